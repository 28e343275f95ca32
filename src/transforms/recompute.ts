// Rules that differentiate a user function again when they run (checkpoint, customVjp's forward
// mode, customJvp's reverse mode). Only float arguments are differentiated: integer and bool
// arguments (indices, masks) are held fixed.
import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { Arg } from "../core/primitive.js";
import { toTensor } from "../ops/args.js";
import { vjp } from "./vjp.js";
import { jvp } from "./jvp.js";

type TensorFn = (...args: Tensor[]) => Tensor;

/** f with only the float arguments free (the others fixed at their values in `args`). */
function overFloats(f: TensorFn, args: Tensor[]): [free: number[], g: TensorFn] {
  const free: number[] = [];
  for (let k = 0; k < args.length; k++) if (isFloat(args[k].dtype)) free.push(k);
  const g = (...xs: Tensor[]) => {
    const call = args.slice();
    for (let j = 0; j < free.length; j++) call[free[j]] = xs[j];
    return f(...call);
  };
  return [free, g];
}

/** Cotangents of every argument of f at `args` for output cotangent `g` (null for non-float ones). */
export function pullbackAll(f: TensorFn, args: readonly Arg[], g: Tensor): (Tensor | null)[] {
  const ts = args.map((a) => toTensor(a));
  const [free, h] = overFloats(f, ts);
  const cts = vjp(h, ...free.map((k) => ts[k]))[1](g);
  const out: (Tensor | null)[] = ts.map(() => null);
  free.forEach((k, j) => (out[k] = cts[j] as Tensor));
  return out;
}

/** The output tangent of f at `args` for tangent `t` of argument `i` (the others still). */
export function pushOne(f: TensorFn, args: readonly Arg[], i: number, t: Tensor): Tensor {
  const ts = args.map((a) => toTensor(a));
  const h = (x: Tensor) => {
    const call = ts.slice();
    call[i] = x;
    return f(...call);
  };
  return jvp(h, [ts[i]], [t])[1] as Tensor;
}

/**
 * A VJP rule computing every argument's cotangent in one pass and handing them out per argument:
 * the engine asks for argument 0, 1, ... in turn with the same cotangent and argument list.
 */
export function cachedVjp(all: (g: Tensor, ans: Tensor, args: Arg[]) => (Tensor | null)[]) {
  let lastG: Tensor | null = null;
  let lastArgs: Arg[] | null = null;
  let lastCts: (Tensor | null)[] = [];
  return (g: Tensor, ans: Tensor, args: Arg[], _p: undefined, i: number): Tensor => {
    if (g !== lastG || args !== lastArgs) {
      lastCts = all(g, ans, args);
      lastG = g;
      lastArgs = args;
    }
    const c = lastCts[i];
    // Free the references once the last argument is served.
    if (i === args.length - 1) {
      lastG = null;
      lastArgs = null;
      lastCts = [];
    }
    if (c === null || c === undefined) throw new Error(`internal: no cotangent for argument ${i}`);
    return c;
  };
}
