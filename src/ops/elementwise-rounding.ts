import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { rint as rintKernel, sign as signKernel } from "../kernels/elementwise.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { ArgumentError } from "../errors.js";
import { unaryOp } from "./define.js";
import { dtypeOf, toArg } from "./args.js";
import { unaryKernel } from "./kernel-wrap.js";
import { boolToInt } from "./elementwise-util.js";

// Rounding and sign: piecewise constant, so zero gradient (`nondiff`). floor, ceil, trunc and fix
// keep integer and bool dtypes (as NumPy 2 does since integer loops were added for them); rint
// gives a float.

export const floor = unaryOp("floor", Math.floor, { out: "same", nondiff: true });
export const ceil = unaryOp("ceil", Math.ceil, { out: "same", nondiff: true });
export const trunc = unaryOp("trunc", Math.trunc, { out: "same", nondiff: true });
/** `np.fix(x)`: rounds toward zero (the same values as `np.trunc`). */
export const fix = unaryOp("fix", Math.trunc, { out: "same", nondiff: true });
/** `np.rint(x)`: nearest integer, halves to even (2.5 -> 2, 3.5 -> 4). */
export const rint = unaryOp("rint", rintKernel, { out: "float", nondiff: true });

const signOp = unaryOp("sign", signKernel, { out: "same", nondiff: true });

/** `np.sign(x)`: -1, 0 or 1 (NaN for NaN), in x's dtype; bool computes in int32 (NumPy's int8). */
export function sign(x: ArrayLike): Tensor {
  return signOp(boolToInt(toArg(x)));
}

function roundKernel(decimals: number, f32: boolean): (x: number) => number {
  if (decimals === 0) return rintKernel;
  // NumPy scales, rounds half to even and scales back, in the array's own precision.
  const r = f32 ? Math.fround : (v: number) => v;
  if (decimals > 0) {
    const s = r(Math.pow(10, decimals));
    return (x) => r(rintKernel(r(x * s)) / s);
  }
  const s = r(Math.pow(10, -decimals));
  return (x) => r(rintKernel(r(x / s)) * s);
}

const roundPrim = definePrimitive<{ decimals: number }>({
  name: "round",
  impl: (args, p) => roundImpl(args[0] as Tensor | number, p.decimals),
  impl1: (x, p) => roundImpl(x, p.decimals),
  nondiff: true,
});

function roundImpl(x: Tensor | number, decimals: number): Tensor {
  const dt = dtypeOf(x);
  if (!isFloat(dt) && decimals >= 0) return unaryKernel(x, dt, (v) => v);
  return unaryKernel(x, dt, roundKernel(decimals, dt === "float32"));
}

export interface RoundOptions {
  /** Number of decimal places (negative: to the left of the point). Default 0. */
  decimals?: number;
}

/**
 * `np.round(x, decimals?)` (= `np.around`): halves to even, like NumPy (round(2.5) = 2,
 * round(0.125, 2) = 0.12). Keeps x's dtype; integers with negative decimals round to tens, ...
 */
export function round(x: ArrayLike, decimals: number | RoundOptions = 0): Tensor {
  const d = typeof decimals === "number" ? decimals : (decimals.decimals ?? 0);
  if (!Number.isInteger(d)) throw new ArgumentError(`round: decimals must be an integer, got ${d}`);
  return bind1(roundPrim, toArg(x), { decimals: d });
}
