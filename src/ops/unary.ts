import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { sinc as sincKernel } from "../kernels/elementwise.js";
import { unaryOp } from "./define.js";
import { toArg } from "./args.js";
import { add, divide, multiply, negative, subtract } from "./arith.js";
import { less } from "./compare.js";
import { abs } from "./elementwise-real.js";
import { Arg } from "../core/primitive.js";
import { where } from "./where.js";
import { boolToInt } from "./elementwise-util.js";

// Elementwise transcendental functions: float results (int and bool inputs give float64,
// float32 stays float32), exact to Math.* in float64.

export const sin = unaryOp("sin", Math.sin, {
  out: "float",
  vjp: (g, _ans, x) => multiply(g, cos(x)),
  fusedVjp: (g, _a, x, r) => r(g * r(Math.cos(x))),
});

export const cos = unaryOp("cos", Math.cos, {
  out: "float",
  vjp: (g, _ans, x) => negative(multiply(g, sin(x))),
  fusedVjp: (g, _a, x, r) => -r(g * r(Math.sin(x))),
});

export const tan = unaryOp("tan", Math.tan, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, square(cos(x))),
  fusedVjp: (g, _a, x, r) => {
    const c = r(Math.cos(x));
    return r(g / r(c * c));
  },
});

/** `np.arcsin(x)`: in [-pi/2, pi/2]; NaN outside [-1, 1]. */
export const arcsin = unaryOp("arcsin", Math.asin, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, sqrt(subtract(1, square(x)))),
  fusedVjp: (g, _a, x, r) => r(g / r(Math.sqrt(r(1 - r(x * x))))),
  wasmVjp: ["div", "g", ["sqrt", ["sub", 1, ["mul", "x", "x"]]]],
});

/** `np.arccos(x)`: in [0, pi]; NaN outside [-1, 1]. */
export const arccos = unaryOp("arccos", Math.acos, {
  out: "float",
  vjp: (g, _ans, x) => negative(divide(g, sqrt(subtract(1, square(x))))),
  fusedVjp: (g, _a, x, r) => -r(g / r(Math.sqrt(r(1 - r(x * x))))),
  wasmVjp: ["neg", ["div", "g", ["sqrt", ["sub", 1, ["mul", "x", "x"]]]]],
});

export const arctan = unaryOp("arctan", Math.atan, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, add(1, square(x))),
  fusedVjp: (g, _a, x, r) => r(g / r(1 + r(x * x))),
  wasmVjp: ["div", "g", ["add", 1, ["mul", "x", "x"]]],
});

export const sinh = unaryOp("sinh", Math.sinh, {
  out: "float",
  vjp: (g, _ans, x) => multiply(g, cosh(x)),
  fusedVjp: (g, _a, x, r) => r(g * r(Math.cosh(x))),
});

export const cosh = unaryOp("cosh", Math.cosh, {
  out: "float",
  vjp: (g, _ans, x) => multiply(g, sinh(x)),
  fusedVjp: (g, _a, x, r) => r(g * r(Math.sinh(x))),
});

export const tanh = unaryOp("tanh", Math.tanh, {
  out: "float",
  vjp: (g, ans) => multiply(g, subtract(1, square(ans))),
  fusedVjp: (g, a, _x, r) => r(g * r(1 - r(a * a))),
  wasmVjp: ["mul", "g", ["sub", 1, ["mul", "a", "a"]]],
});

export const arcsinh = unaryOp("arcsinh", Math.asinh, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, sqrt(add(square(x), 1))),
  fusedVjp: (g, _a, x, r) => r(g / r(Math.sqrt(r(r(x * x) + 1)))),
  wasmVjp: ["div", "g", ["sqrt", ["add", ["mul", "x", "x"], 1]]],
});

/** `np.arccosh(x)`: NaN below 1. */
export const arccosh = unaryOp("arccosh", Math.acosh, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, sqrt(subtract(square(x), 1))),
  fusedVjp: (g, _a, x, r) => r(g / r(Math.sqrt(r(r(x * x) - 1)))),
  wasmVjp: ["div", "g", ["sqrt", ["sub", ["mul", "x", "x"], 1]]],
});

/** `np.arctanh(x)`: infinite at +-1, NaN outside [-1, 1]. */
export const arctanh = unaryOp("arctanh", Math.atanh, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, subtract(1, square(x))),
  fusedVjp: (g, _a, x, r) => r(g / r(1 - r(x * x))),
  wasmVjp: ["div", "g", ["sub", 1, ["mul", "x", "x"]]],
});

export const exp = unaryOp("exp", Math.exp, {
  out: "float",
  vjp: (g, ans) => multiply(g, ans),
  fusedVjp: (g, a, _x, r) => r(g * a),
  wasmVjp: ["mul", "g", "a"],
});

/** `np.exp2(x)`: 2 ** x. */
export const exp2 = unaryOp("exp2", (x) => Math.pow(2, x), {
  out: "float",
  vjp: (g, ans) => multiply(g, multiply(ans, Math.LN2)),
  // A weak scalar meets a float32 array as a float32, so the constant rounds too.
  fusedVjp: (g, a, _x, r) => r(g * r(a * r(Math.LN2))),
  wasmVjp: ["mul", "g", ["mul", "a", Math.LN2]],
});

/** `np.expm1(x)`: exp(x) - 1, accurate near 0. */
export const expm1 = unaryOp("expm1", Math.expm1, {
  out: "float",
  vjp: (g, ans) => multiply(g, add(ans, 1)),
  fusedVjp: (g, a, _x, r) => r(g * r(a + 1)),
  wasmVjp: ["mul", "g", ["add", "a", 1]],
});

/** `np.log(x)`: natural logarithm; -inf at 0, NaN below. */
export const log = unaryOp("log", Math.log, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, x),
  fusedVjp: (g, _a, x, r) => r(g / x),
  wasmVjp: ["div", "g", "x"],
});

export const log2 = unaryOp("log2", Math.log2, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, multiply(x, Math.LN2)),
  fusedVjp: (g, _a, x, r) => r(g / r(x * r(Math.LN2))),
  wasmVjp: ["div", "g", ["mul", "x", Math.LN2]],
});

export const log10 = unaryOp("log10", Math.log10, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, multiply(x, Math.LN10)),
  fusedVjp: (g, _a, x, r) => r(g / r(x * r(Math.LN10))),
  wasmVjp: ["div", "g", ["mul", "x", Math.LN10]],
});

/** `np.log1p(x)`: log(1 + x), accurate near 0. */
export const log1p = unaryOp("log1p", Math.log1p, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, add(x, 1)),
  fusedVjp: (g, _a, x, r) => r(g / r(x + 1)),
  wasmVjp: ["div", "g", ["add", "x", 1]],
});

/** `np.sqrt(x)`: NaN for negative x (chainrule has no complex results). */
export const sqrt = unaryOp("sqrt", Math.sqrt, {
  out: "float",
  vjp: (g, ans) => divide(multiply(g, 0.5), ans),
  fusedVjp: (g, a, _x, r) => r(r(g * 0.5) / a),
  wasmVjp: ["div", ["mul", "g", 0.5], "a"],
});

const RAD_PER_DEG = Math.PI / 180;
const DEG_PER_RAD = 180 / Math.PI;

/** `np.deg2rad` (= `np.radians`). */
export const deg2rad = unaryOp("deg2rad", (x) => x * RAD_PER_DEG, {
  out: "float",
  vjp: (g) => multiply(g, RAD_PER_DEG),
});

/** `np.rad2deg` (= `np.degrees`). */
export const rad2deg = unaryOp("rad2deg", (x) => x * DEG_PER_RAD, {
  out: "float",
  vjp: (g) => multiply(g, DEG_PER_RAD),
});

/** `np.sinc(x)`: the normalized sinc, sin(pi x) / (pi x), 1 at 0. */
export const sinc = unaryOp("sinc", sincKernel, {
  out: "float",
  vjp: (g, ans, x) => multiply(g, sincDerivative(ans, x)),
});

// Below this |x|, sinc' comes from its Taylor series: the closed form (cos(pi x) - sinc(x)) / x
// cancels (relative error ~1e-16 / (pi x)^2) and is 0 / 0 at x = 0.
const SINC_SERIES_BELOW = 0.016;

/**
 * sinc'(x), in differentiable ops so that every order is right, at 0 too. The closed form runs on
 * a substituted 1 near 0, so its unused branch never makes a NaN that the mask would multiply.
 */
function sincDerivative(ans: Tensor, x: Arg): Tensor {
  const near0 = less(abs(x), SINC_SERIES_BELOW);
  const safe = where(near0, 1, x);
  const closed = divide(subtract(cos(multiply(safe, Math.PI)), where(near0, 1, ans)), safe);
  // sinc(x) = 1 - u/6 + u^2/120 - u^3/5040 with u = (pi x)^2, so sinc'(x) = pi^2 x (-1/3 + u/30 - u^2/840).
  const u = square(multiply(x, Math.PI));
  const poly = add(-1 / 3, multiply(u, add(1 / 30, multiply(u, -1 / 840))));
  const series = multiply(multiply(x, Math.PI * Math.PI), poly);
  return where(near0, series, closed);
}

const squareOp = unaryOp("square", (x) => x * x, {
  out: "same",
  vjp: (g, _ans, x) => multiply(g, multiply(x, 2)),
  fusedVjp: (g, _a, x, r) => r(g * r(x * 2)),
  wasmVjp: ["mul", "g", ["mul", "x", 2]],
});

/** `np.square(x)`: x * x, keeping integer dtypes (bool computes in int32, as NumPy's int8). */
export function square(x: ArrayLike): Tensor {
  return squareOp(boolToInt(toArg(x)));
}

const reciprocalOp = unaryOp("reciprocal", (x) => 1 / x, {
  out: "same",
  vjp: (g, ans) => negative(multiply(g, square(ans))),
  fusedVjp: (g, a, _x, r) => -r(g * r(a * a)),
  wasmVjp: ["neg", ["mul", "g", ["mul", "a", "a"]]],
});

/**
 * `np.reciprocal(x)`: 1 / x in x's dtype. As in NumPy, integer inputs give integer results
 * (1 / 2 truncates to 0), so use np.divide(1, x) for a float result.
 */
export function reciprocal(x: ArrayLike): Tensor {
  return reciprocalOp(boolToInt(toArg(x)));
}
