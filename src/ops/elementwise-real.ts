import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { isFloat } from "../tensor/dtype.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { unaryOp } from "./define.js";
import { dtypeOf, toArg } from "./args.js";
import { unaryKernel } from "./kernel-wrap.js";
import { multiply } from "./arith.js";
import { sign } from "./elementwise-rounding.js";

// Absolute value and the complex-number accessors (chainrule's dtypes are real, so these are
// the real-input cases of NumPy's functions).

/** `np.abs(x)` (= `np.absolute`): keeps x's dtype. The gradient at 0 is 0 (HIPS autograd). */
export const abs = unaryOp("abs", Math.abs, {
  out: "same",
  vjp: (g, _ans, x) => multiply(g, sign(x)),
});

/** `np.fabs(x)`: absolute value as a float (int32 gives float64). */
export const fabs = unaryOp("fabs", Math.abs, {
  out: "float",
  vjp: (g, _ans, x) => multiply(g, sign(x)),
});

/** `np.real(x)`: the real part, x itself for real dtypes. */
export const real = unaryOp("real", (x) => x, { out: "same", vjp: (g) => g });

/** `np.conj(x)` (= `np.conjugate`): the complex conjugate, x itself for real dtypes. */
export const conj = unaryOp("conj", (x) => x, { out: "same", vjp: (g) => g });

/** `np.imag(x)`: the imaginary part, zeros of x's dtype for real dtypes (a constant). */
export const imag = unaryOp("imag", () => 0, { out: "same", nondiff: true });

const anglePrim = definePrimitive<{ deg: boolean }>({
  name: "angle",
  impl: (args, p) => angleImpl(args[0], p.deg),
  impl1: (x, p) => angleImpl(x, p.deg),
  // The angle of a real number is 0 or pi: piecewise constant.
  nondiff: true,
});

function angleImpl(x: Tensor | number, deg: boolean): Tensor {
  const half = deg ? 180 : Math.PI;
  // atan2(0, x): pi for negative numbers and -0, 0 otherwise, NaN for NaN.
  const dt = dtypeOf(x);
  return unaryKernel(x, isFloat(dt) ? dt : "float64", (v) => (v < 0 || (v === 0 && 1 / v < 0) ? half : v === v ? 0 : v));
}

export interface AngleOptions {
  /** Degrees instead of radians (default false). */
  deg?: boolean;
}

/** `np.angle(z, deg?)`: the argument of a complex number; for real x, 0 or pi. */
export function angle(z: ArrayLike, deg: boolean | AngleOptions = false): Tensor {
  const d = typeof deg === "boolean" ? deg : deg.deg === true;
  return bind1(anglePrim, toArg(z), { deg: d });
}

export interface RealIfCloseOptions {
  /** Tolerance in machine epsilons for dropping the imaginary part (default 100). */
  tol?: number;
}

/** `np.realIfClose(a, {tol})`: a real array is returned as it is. */
export function realIfClose(a: ArrayLike, _opts: RealIfCloseOptions = {}): Tensor {
  return real(a);
}
