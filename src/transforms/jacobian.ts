import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import { ArgumentError } from "../errors.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import { toTensor } from "../ops/args.js";
import { reshape } from "../ops/shape.js";
import { stack } from "../ops/join.js";
import { zeros } from "../ops/fill.js";
import { linearize, grad } from "./vjp.js";
import { pushForward, jvp } from "./jvp.js";
import { readArgnums, readDiffArg, rebuild } from "./inputs.js";
import { asCall } from "./types.js";
import { jacFwdBatched, jacRevBatched } from "./jacobian-batched.js";
import type { Argnums, Fn, GradAt, GradOf, JacobianOf, LooseParams, TangentOf } from "./types.js";
import type { ArrayLike } from "../tensor/create.js";
import type { PyTree } from "../core/pytree.js";

export interface JacobianOptions<N extends Argnums = Argnums> {
  argnums?: N;
  mode?: "rev" | "fwd";
}

function oneHot(shape: readonly number[], dtype: Tensor["dtype"], k: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const buf = allocArray(dtype, n);
  buf[k] = 1;
  return fromBuffer(buf, shape.slice(), dtype);
}

/** Stacks per-element slices (each of shape `inner`) into shape `outer ++ inner` or `inner ++ outer`. */
function assemble(rows: Tensor[], lead: readonly number[], tail: readonly number[], dtype: Tensor["dtype"], rowsAreLead: boolean): Tensor {
  const shape = [...lead, ...tail];
  if (rows.length === 0) return zeros(shape, dtype);
  const s = stack(rows, rowsAreLead ? 0 : -1);
  return reshape(s, shape);
}

function jacRev(f: Fn, args: unknown[], argnums: number[], single: boolean): unknown {
  const lin = linearize(f, args, argnums, "jacobian");
  const outs = lin.outLeaves.map((o) => toTensor(o));
  const perOut = outs.map((o, oi) => {
    const rows: Tensor[][][] = lin.diffArgs.map((a) => a.leaves.map(() => []));
    for (let k = 0; k < o.size; k++) {
      const cts = outs.map((_, q) => (q === oi ? oneHot(o.shape, o.dtype, k) : null));
      const g = lin.pullbackLeaves(cts);
      g.forEach((leaves, j) => leaves.forEach((t, l) => rows[j][l].push(t)));
    }
    const perArg = lin.diffArgs.map((a, j) =>
      rebuild(a, a.leaves.map((leaf, l) => assemble(rows[j][l], o.shape, leaf.shape, leaf.dtype, true))),
    );
    return single ? perArg[0] : perArg;
  });
  return treeUnflatten(lin.outDef, perOut);
}

function jacFwd(f: Fn, args: unknown[], argnums: number[], single: boolean): unknown {
  const diff = argnums.map((k) => readDiffArg(args[k], "jacobian", k));
  // cols[j][l][o] = tangents of output o for each element of leaf l of argument j
  let outDef: ReturnType<typeof treeFlatten>[1] | null = null;
  let outShapes: Tensor[] = [];
  const cols: Tensor[][][][] = diff.map((a) => a.leaves.map(() => []));
  const zerosTangents = () => diff.map((a) => a.leaves.map(() => null as Tensor | null));
  diff.forEach((a, j) =>
    a.leaves.forEach((leaf, l) => {
      for (let k = 0; k < leaf.size; k++) {
        const tangents = zerosTangents();
        tangents[j][l] = oneHot(leaf.shape, leaf.dtype, k);
        const r = pushForward(f, args.slice(), tangents, "jacobian", argnums);
        outDef = r.outDef;
        outShapes = r.outLeaves.map((o) => toTensor(o));
        cols[j][l].push(r.tanLeaves as Tensor[]);
      }
    }),
  );
  if (outDef === null) {
    // No input elements: run once to learn the output structure.
    const r = pushForward(f, args.slice(), zerosTangents(), "jacobian", argnums);
    outDef = r.outDef;
    outShapes = r.outLeaves.map((o) => toTensor(o));
  }
  const perOut = outShapes.map((o, oi) => {
    const perArg = diff.map((a, j) =>
      rebuild(a, a.leaves.map((leaf, l) => assemble(cols[j][l].map((c) => c[oi]), o.shape, leaf.shape, o.dtype, false))),
    );
    return single ? perArg[0] : perArg;
  });
  return treeUnflatten(outDef, perOut);
}

/** How many Jacobians took the batched path and the per-element loop (internal: tests read it). */
export const jacobianPaths = { batched: 0, loop: 0 };

function jacOpts(o: Argnums | JacobianOptions | undefined): JacobianOptions {
  if (o === undefined || typeof o === "number" || Array.isArray(o)) return { argnums: o as Argnums | undefined };
  if (typeof o !== "object" || o === null) throw new ArgumentError("jacobian: argnums must be a number, an array of numbers or an options object");
  return o as JacobianOptions;
}

/** A transformed function returning the Jacobian of F for argnums N. */
export type JacobianFunction<F extends Fn, N> = <A extends LooseParams<F>>(...args: A) => NoInfer<JacobianOf<ReturnType<F>, GradAt<A, N>>>;

/**
 * `jacobian(f, argnums? | {argnums, mode})`: the Jacobian, shaped `out.shape ++ in.shape`
 * (pytrees nest the same way: output structure outside, input structure inside). Reverse mode
 * (default) pulls back all one-hot cotangents in one vmapped pass; forward mode pushes all
 * one-hot tangents in one (falling back to one pass per element when some primitive has no
 * batching rule).
 */
export function jacobian<F extends Fn, const N extends Argnums = 0>(f: F, opts: JacobianOptions<N>): JacobianFunction<F, N>;
export function jacobian<F extends Fn, const N extends Argnums = 0>(f: F, argnums?: N): JacobianFunction<F, N>;
export function jacobian(f: Fn, opts?: Argnums | JacobianOptions): JacobianFunction<Fn, Argnums> {
  const o = jacOpts(opts);
  const mode = o.mode ?? "rev";
  if (mode !== "rev" && mode !== "fwd") throw new ArgumentError(`jacobian: mode must be "rev" or "fwd", got ${JSON.stringify(mode)}`);
  const run = (...args: unknown[]): unknown => {
    const [argnums, single] = readArgnums(o.argnums, args.length, "jacobian");
    // One vmapped pass over all basis vectors when every primitive met can be batched; else
    // (a primitive without a batching rule, a data-dependent op, any error) the per-element
    // loop, rerun from scratch, which also reports the function's own errors as before.
    try {
      const r = mode === "rev" ? jacRevBatched(f, args, argnums, single) : jacFwdBatched(f, args, argnums, single);
      jacobianPaths.batched++;
      return r;
    } catch {
      jacobianPaths.loop++;
      return mode === "rev" ? jacRev(f, args, argnums, single) : jacFwd(f, args, argnums, single);
    }
  };
  return run as JacobianFunction<Fn, Argnums>;
}

/** `jacrev(f, argnums?)`: the Jacobian in reverse mode (cheaper for few outputs). */
export function jacrev<F extends Fn, const N extends Argnums = 0>(f: F, argnums?: N): JacobianFunction<F, N> {
  return jacobian(f, { argnums, mode: "rev" }) as JacobianFunction<F, N>;
}

/** `jacfwd(f, argnums?)`: the Jacobian in forward mode (cheaper for few inputs). */
export function jacfwd<F extends Fn, const N extends Argnums = 0>(f: F, argnums?: N): JacobianFunction<F, N> {
  return jacobian(f, { argnums, mode: "fwd" }) as JacobianFunction<F, N>;
}

/** `hessian(f, argnums?)`: forward-over-reverse; shape `in.shape ++ in.shape`. */
export function hessian<F extends Fn, const N extends Argnums = 0>(
  f: F,
  argnums?: N,
): <A extends LooseParams<F>>(...args: A) => NoInfer<JacobianOf<GradAt<A, N>, GradAt<A, N>>> {
  const g = grad(f, argnums as Argnums | undefined);
  const run = jacobian(g, { argnums, mode: "fwd" }) as (...args: unknown[]) => unknown;
  return run as <A extends LooseParams<F>>(...args: A) => NoInfer<JacobianOf<GradAt<A, N>, GradAt<A, N>>>;
}

/** `hvp(f)(x, v)`: the Hessian-vector product H(x)·v without forming H (forward over reverse). */
export function hvp<F extends Fn>(f: F): <X extends LooseParams<F>[0]>(x: X, v: ArrayLike | PyTree) => NoInfer<TangentOf<GradOf<X>>> {
  const g = grad(f);
  const run = (x: unknown, v: unknown): unknown => jvp(asCall(g), [x], [v])[1];
  return run as <X extends LooseParams<F>[0]>(x: X, v: ArrayLike | PyTree) => NoInfer<TangentOf<GradOf<X>>>;
}
