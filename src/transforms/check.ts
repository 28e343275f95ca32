import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import { ArgumentError, NotDifferentiableError } from "../errors.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import { toTensor } from "../ops/args.js";
import { add, multiply } from "../ops/arith.js";
import { sum } from "../ops/reduce.js";
import { vjp } from "./vjp.js";
import { jvp } from "./jvp.js";
import { readArgnums, readDiffArg } from "./inputs.js";
import { asCall } from "./types.js";
import type { Fn, LooseParams } from "./types.js";

export interface CheckGradsOptions {
  modes?: ("fwd" | "rev")[];
  order?: number;
  argnums?: number | readonly number[];
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Seed of the random directions (fixed by default, so failures reproduce). */
  seed?: number;
}

/** A small seeded generator for directions (Box-Muller over mulberry32). */
function makeRng(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => {
    const u = 1 - uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

function randomLike(t: Tensor, rng: () => number): Tensor {
  const buf = allocArray(t.dtype === "float32" ? "float32" : "float64", t.size);
  for (let i = 0; i < buf.length; i++) buf[i] = rng();
  return fromBuffer(buf, t.shape.slice(), t.dtype === "float32" ? "float32" : "float64");
}

/** <a, b> summed over the leaves of two equally structured lists. */
function innerProduct(a: readonly (Tensor | number)[], b: readonly (Tensor | number)[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += sum(multiply(toTensor(a[i]), toTensor(b[i]))).item();
  return s;
}

/**
 * `checkGrads(f, opts)(...args)`: compares f's derivatives with central finite differences along
 * random directions, in forward and/or reverse mode, up to `order` (order 2 also checks the
 * derivative functions themselves, so all four mode pairs are exercised). Throws a clear error
 * naming the function, the mode and the order on a mismatch. Defaults: eps 1e-6, rtol 1e-5,
 * atol 1e-6 (float32 arguments: 1e-3, 2e-2, 2e-3).
 */
export function checkGrads<F extends Fn>(f: F, opts: CheckGradsOptions = {}): (...args: LooseParams<F>) => void {
  const modes = opts.modes ?? ["fwd", "rev"];
  const order = opts.order ?? 2;
  for (const m of modes) if (m !== "fwd" && m !== "rev") throw new ArgumentError(`checkGrads: unknown mode ${JSON.stringify(m)}`);
  const name = f.name || "anonymous function";
  return (...args: unknown[]) => {
    const [argnums] = readArgnums(opts.argnums ?? args.map((_, i) => i), args.length, "checkGrads");
    const rng = makeRng(opts.seed ?? 20261126);
    // float32 arguments: a larger step and looser tolerances, or rounding swamps the differences.
    const f32 = argnums.some((k) => readDiffArg(args[k], "checkGrads", k).leaves.some((l) => l.dtype === "float32"));
    const eps = opts.eps ?? (f32 ? 1e-3 : 1e-6);
    const rtol = opts.rtol ?? (f32 ? 2e-2 : 1e-5);
    const atol = opts.atol ?? (f32 ? 2e-3 : 1e-6);
    check(f, args, argnums, order, 1);
    function check(fn: Fn, xs: unknown[], nums: number[], remaining: number, level: number): void {
      if (remaining <= 0) return;
      const diff = nums.map((k) => readDiffArg(xs[k], "checkGrads", k));
      // The function of the differentiated leaves only, others held fixed.
      const g = (...leaves: Tensor[][]): unknown => {
        const call = xs.slice();
        nums.forEach((k, j) => (call[k] = treeUnflatten(diff[j].def, leaves[j])));
        return asCall(fn)(...call);
      };
      const x0 = diff.map((d) => d.leaves);
      const v = x0.map((ls) => ls.map((l) => randomLike(l, rng)));
      const [outLeaves, outDef] = treeFlatten(g(...x0));
      const u = outLeaves.map((o) => randomLike(toTensor(o), rng));
      const shifted = (s: number) => x0.map((ls, j) => ls.map((l, i) => add(l, multiply(s, v[j][i]))));
      const fp = treeFlatten(g(...shifted(eps)))[0];
      const fm = treeFlatten(g(...shifted(-eps)))[0];
      const numeric = (innerProduct(u, fp) - innerProduct(u, fm)) / (2 * eps);
      const compare = (mode: string, analytic: number) => {
        if (!(Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric)))
          throw new NotDifferentiableError(
            `checkGrads: ${name}: ${mode}-mode derivative of order ${level} disagrees with finite differences: ` +
              `analytic ${analytic}, numeric ${numeric} (rtol ${rtol}, atol ${atol})`,
          );
      };
      const flatV = v.flat();
      const uTree = treeUnflatten(outDef, u);
      const revDeriv = (...ls: Tensor[][]) => vjp((...l2: Tensor[][]) => g(...l2), ...ls)[1](uTree);
      const fwdDeriv = (...ls: Tensor[][]) => jvp((...l2: Tensor[][]) => g(...l2), ls, v)[1];
      // This order in every mode first, so a wrong rule is reported at the lowest order it breaks.
      if (modes.includes("rev")) compare("reverse", innerProduct((revDeriv(...x0) as Tensor[][]).flat(), flatV));
      if (modes.includes("fwd")) compare("forward", innerProduct(u, treeFlatten(fwdDeriv(...x0))[0]));
      // Each derivative is a function of x too: check it in turn.
      const all = x0.map((_, i) => i);
      if (modes.includes("rev")) check(revDeriv, x0, all, remaining - 1, level + 1);
      if (modes.includes("fwd")) check(fwdDeriv, x0, all, remaining - 1, level + 1);
    }
  };
}
