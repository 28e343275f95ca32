import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import * as k from "../kernels/elementwise.js";
import { Arg } from "../core/primitive.js";
import { binaryOp } from "./define.js";
import { toArg } from "./args.js";
import { add, divide, multiply, negative, subtract } from "./arith.js";
import { exp, exp2, square } from "./unary.js";
import { equal } from "./compare.js";
import { trunc } from "./elementwise-rounding.js";
import { where } from "./where.js";
import { boolPairToInt } from "./elementwise-util.js";

// Broadcasting binary functions beyond plain arithmetic.

/** `np.arctan2(y, x)`: the angle of the point (x, y), in (-pi, pi]. */
export const arctan2 = binaryOp("arctan2", Math.atan2, {
  out: "float",
  vjp: (g, _ans, y, x, i) => {
    const r2 = add(square(x), square(y));
    return i === 0 ? divide(multiply(g, x), r2) : negative(divide(multiply(g, y), r2));
  },
});

/** `np.hypot(x, y)`: sqrt(x**2 + y**2) without overflow. */
export const hypot = binaryOp("hypot", Math.hypot, {
  out: "float",
  vjp: (g, ans, x, y, i) => multiply(g, divide(i === 0 ? x : y, ans)),
});

/** `np.logaddexp(x, y)`: log(exp(x) + exp(y)), stable. */
export const logaddexp = binaryOp("logaddexp", k.logaddexp, {
  out: "float",
  vjp: (g, ans, x, y, i) => multiply(g, exp(subtract(i === 0 ? x : y, ans))),
});

/** `np.logaddexp2(x, y)`: log2(2**x + 2**y), stable. */
export const logaddexp2 = binaryOp("logaddexp2", k.logaddexp2, {
  out: "float",
  vjp: (g, ans, x, y, i) => multiply(g, exp2(subtract(i === 0 ? x : y, ans))),
});

/**
 * The selection rule shared by maximum, minimum, fmax and fmin: the cotangent goes to the operand
 * the output came from, split 0.5 / 0.5 on ties (HIPS autograd's convention). A NaN output
 * (maximum of a NaN) sends nothing back.
 */
function selectRule(g: Tensor, ans: Tensor, a: Arg, b: Arg, i: number): Tensor {
  const mine = i === 0 ? a : b;
  return where(equal(a, b), multiply(g, 0.5), where(equal(mine, ans), g, 0));
}

/** `np.maximum(x, y)`: elementwise larger value; NaN if either is NaN. */
export const maximum = binaryOp("maximum", k.maximum, { out: "same", vjp: selectRule });
/** `np.minimum(x, y)`: elementwise smaller value; NaN if either is NaN. */
export const minimum = binaryOp("minimum", k.minimum, { out: "same", vjp: selectRule });
/** `np.fmax(x, y)`: elementwise larger value, ignoring a NaN operand. */
export const fmax = binaryOp("fmax", k.fmax, { out: "same", vjp: selectRule });
/** `np.fmin(x, y)`: elementwise smaller value, ignoring a NaN operand. */
export const fmin = binaryOp("fmin", k.fmin, { out: "same", vjp: selectRule });

const floorDivideOp = binaryOp("floor_divide", k.floorDiv, { out: "same", nondiff: true });

/**
 * `np.floorDivide(x, y)`: the largest integer <= x / y (Python's //). Integer division by zero
 * gives 0, as NumPy (which also warns); piecewise constant, so zero gradient.
 */
export function floorDivide(x: ArrayLike, y: ArrayLike): Tensor {
  const [a, b] = boolPairToInt(toArg(x), toArg(y));
  return floorDivideOp(a, b);
}

const modOp = binaryOp("mod", k.pyMod, {
  out: "same",
  vjp: (g, _ans, x, y, i) => (i === 0 ? g : negative(multiply(g, floorDivide(x, y)))),
});

/**
 * `np.mod(x, y)` (= `np.remainder`): Python's modulo, with the sign of the divisor.
 * x mod 0 is NaN for floats and 0 for integers, as in NumPy.
 */
export function mod(x: ArrayLike, y: ArrayLike): Tensor {
  const [a, b] = boolPairToInt(toArg(x), toArg(y));
  return modOp(a, b);
}

const fmodOp = binaryOp("fmod", (x, y) => x % y, {
  out: "same",
  vjp: (g, _ans, x, y, i) => (i === 0 ? g : negative(multiply(g, trunc(divide(x, y))))),
});

/** `np.fmod(x, y)`: C's remainder, with the sign of the dividend. */
export function fmod(x: ArrayLike, y: ArrayLike): Tensor {
  const [a, b] = boolPairToInt(toArg(x), toArg(y));
  return fmodOp(a, b);
}
