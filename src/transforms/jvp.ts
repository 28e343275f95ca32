import { Tensor } from "../tensor/tensor.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { ForwardTrace } from "../core/forward.js";
import { closeLevel, nextLevel } from "../core/trace.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import { astype } from "../ops/cast.js";
import { zerosLike } from "../ops/fill.js";
import { toTensor } from "../ops/args.js";
import { flattenLike, readDiffArg } from "./inputs.js";
import { asCall } from "./types.js";
import type { Fn, TangentOf } from "./types.js";

/** Pushes tangents (per primal, per leaf) through `f`; returns output leaves and their tangents. */
export function pushForward(
  f: Fn,
  primals: unknown[],
  tangents: (Tensor | null)[][],
  op: string,
  argnums?: number[],
): { outLeaves: (Tensor | number)[]; tanLeaves: Tensor[]; outDef: ReturnType<typeof treeFlatten>[1] } {
  const nums = argnums ?? primals.map((_, i) => i);
  const diff = nums.map((k) => readDiffArg(primals[k], op, k));
  const trace = new ForwardTrace(nextLevel());
  let raw: unknown;
  try {
    const call = primals.slice();
    nums.forEach((k, j) => {
      const leaves = diff[j].leaves.map((l, i) => {
        const t = tangents[j][i];
        if (t === null) return trace.dual(l, zerosLike(l));
        if (t.shape.length !== l.shape.length || t.shape.some((d, q) => d !== l.shape[q]))
          throw new ShapeError(`${op}: tangent shape ${fmtShape(t.shape)} does not match primal shape ${fmtShape(l.shape)}`);
        return trace.dual(l, t.dtype === l.dtype ? t : astype(t, l.dtype));
      });
      call[k] = treeUnflatten(diff[j].def, leaves);
    });
    raw = asCall(f)(...call);
  } finally {
    closeLevel(trace);
  }
  const [outT, outDef] = treeFlatten(raw);
  const outLeaves: (Tensor | number)[] = [];
  const tanLeaves: Tensor[] = [];
  for (const o of outT) {
    if (typeof o !== "number" && o.trace === trace) {
      outLeaves.push(o.primal as Tensor);
      tanLeaves.push(o.node as Tensor);
    } else {
      outLeaves.push(o);
      tanLeaves.push(zerosLike(toTensor(o)));
    }
  }
  return { outLeaves, tanLeaves, outDef };
}

/**
 * `jvp(f, primals, tangents)`: `[out, tangentOut]` in forward mode; one tangent per primal, each
 * with its primal's structure and shapes. (Primals are not checked against f's parameter types:
 * see vjp.)
 */
export function jvp<F extends Fn>(
  f: F,
  primals: readonly unknown[],
  tangents: readonly unknown[],
): [ReturnType<F>, TangentOf<ReturnType<F>>] {
  if (!Array.isArray(primals) || !Array.isArray(tangents) || primals.length !== tangents.length)
    throw new ArgumentError(
      `jvp: primals and tangents must be arrays of the same length (one tangent per primal), got ` +
        `${Array.isArray(primals) ? primals.length : typeof primals} and ${Array.isArray(tangents) ? tangents.length : typeof tangents}`,
    );
  const tl = tangents.map((t, k) => {
    const want = readDiffArg(primals[k], "jvp", k);
    return flattenLike(t, want.def, "jvp", `tangent ${k}`);
  });
  const r = pushForward(f, primals.slice(), tl, "jvp");
  return [treeUnflatten(r.outDef, r.outLeaves), treeUnflatten(r.outDef, r.tanLeaves)];
}
