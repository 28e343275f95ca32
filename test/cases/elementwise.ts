// Gradient-check cases for the elementwise family (add, subtract, multiply, divide, negative,
// power, equal, sin, cos, exp and log are in core.ts). Inputs sit inside each domain and away
// from kinks and ties.
import { np } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";

const A = rand([2, 3], 11); // in [-1, 1)
const B = rand([3], 12);
const U = rand([2, 3], 13, -0.9, 0.9); // inside (-1, 1)
const POS = rand([2, 3], 14, 0.5, 2); // positive
const BIG = rand([2, 3], 15, 1.2, 3); // > 1
const POSB = rand([3], 16, 0.5, 2);
// Away from integers, halves and zero, so rounding steps and sign changes are not crossed.
const STEPPY = np.array([[-2.3, -1.2, -0.3], [0.3, 1.2, 2.3]]);

/** A float mask from a nondiff op, multiplied into a differentiable expression. */
const masked = (m: Tensor, x: Tensor) => np.multiply(x, m.astype("float64"));

const unary = (prim: string, f: (x: Tensor) => Tensor, x: Tensor, label = "matrix"): GradCase => ({ prim, label, f, args: [x] });
const binary = (prim: string, f: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor, label = "broadcast (2,3) with (3,)"): GradCase => ({
  prim,
  label,
  f,
  args: [a, b],
});

export const cases: GradCase[] = [
  binary("add", np.add, A, np.array([[0.5], [-1]]), "broadcast (2,3) with (2,1)"),
  binary("subtract", np.subtract, B, A, "broadcast (3,) with (2,3)"),
  { prim: "multiply", label: "array times JS number", f: (a) => np.multiply(a, 2.5), args: [A] },
  binary("divide", np.divide, A, POSB),
  unary("negative", np.negative, A),
  { prim: "power", label: "JS number exponent", f: (a) => np.power(a, 3), args: [A] },
  binary("power", np.power, POS, B, "positive base, broadcast exponent"),
  unary("equal", (a) => masked(np.equal(a, a), a), A, "x == x, a nondiff factor"),
  unary("sin", np.sin, A),
  unary("cos", np.cos, A),
  unary("exp", np.exp, A),
  unary("log", np.log, POS, "positive"),
  unary("tan", np.tan, U),
  unary("arcsin", np.arcsin, U),
  unary("arccos", np.arccos, U),
  unary("arctan", np.arctan, A),
  unary("sinh", np.sinh, A),
  unary("cosh", np.cosh, A),
  unary("tanh", np.tanh, A),
  unary("arcsinh", np.arcsinh, A),
  unary("arccosh", np.arccosh, BIG, "x > 1"),
  unary("arctanh", np.arctanh, U),
  unary("exp2", np.exp2, A),
  unary("expm1", np.expm1, A),
  unary("log2", np.log2, POS, "positive"),
  unary("log10", np.log10, POS, "positive"),
  unary("log1p", np.log1p, U, "x > -1"),
  unary("sqrt", np.sqrt, POS, "positive"),
  unary("square", np.square, A),
  unary("reciprocal", np.reciprocal, POS, "positive"),
  unary("deg2rad", np.deg2rad, A),
  unary("rad2deg", np.rad2deg, A),
  unary("sinc", np.sinc, STEPPY, "nonzero"),
  unary("sinc", np.sinc, np.array([0, 0.004, -0.01, 0.4]), "at and near 0 (series branch)"),
  unary("abs", np.abs, STEPPY, "away from 0"),
  unary("fabs", np.fabs, STEPPY, "away from 0"),
  unary("real", np.real, A),
  unary("conj", np.conj, A),
  unary("imag", (x) => np.add(x, np.imag(x)), A, "constant zeros added"),
  unary("angle", (x) => np.multiply(x, np.angle(x)), STEPPY, "piecewise constant factor"),
  unary("nan_to_num", (x) => np.nanToNum(np.multiply(x, 2)), A, "finite values"),
  { prim: "clip", label: "scalar bounds, x strictly inside or outside", f: (x) => np.clip(x, -0.5, 1), args: [STEPPY] },
  { prim: "clip", label: "array bounds, differentiable", f: (x, lo, hi) => np.clip(x, lo, hi), args: [STEPPY, np.array([-1.5, -1.5, 0]), np.array([[2, 0.5, 2]])] },
  { prim: "clip", label: "upper bound only", f: (x, hi) => np.clip(x, null, hi), args: [STEPPY, np.array(0.7)] },

  binary("arctan2", np.arctan2, A, POSB),
  binary("hypot", np.hypot, A, POSB),
  binary("logaddexp", np.logaddexp, A, B),
  binary("logaddexp2", np.logaddexp2, A, B),
  binary("maximum", np.maximum, A, B),
  binary("minimum", np.minimum, A, B),
  binary("fmax", np.fmax, A, B),
  binary("fmin", np.fmin, A, B),
  binary("mod", np.mod, STEPPY, np.array([0.7, -0.9, 1.1])),
  binary("fmod", np.fmod, STEPPY, np.array([0.7, -0.9, 1.1])),
  binary("floor_divide", (a, b) => masked(np.floorDivide(a, b), a), STEPPY, np.array([0.7, -0.9, 1.1]), "nondiff factor"),

  unary("floor", (x) => masked(np.floor(x), x), STEPPY, "nondiff factor"),
  unary("ceil", (x) => masked(np.ceil(x), x), STEPPY, "nondiff factor"),
  unary("trunc", (x) => masked(np.trunc(x), x), STEPPY, "nondiff factor"),
  unary("fix", (x) => masked(np.fix(x), x), STEPPY, "nondiff factor"),
  unary("rint", (x) => masked(np.rint(x), x), STEPPY, "nondiff factor"),
  unary("round", (x) => masked(np.round(x, 1), x), np.array([0.123, -0.271, 1.519]), "decimals=1, nondiff factor"),
  unary("sign", (x) => masked(np.sign(x), x), STEPPY, "nondiff factor"),

  binary("not_equal", (a, b) => masked(np.notEqual(a, b), a), A, B, "mask"),
  binary("less", (a, b) => masked(np.less(a, b), a), A, B, "mask"),
  binary("less_equal", (a, b) => masked(np.lessEqual(a, b), a), A, B, "mask"),
  binary("greater", (a, b) => masked(np.greater(a, b), a), A, B, "mask"),
  binary("greater_equal", (a, b) => masked(np.greaterEqual(a, b), a), A, B, "mask"),
  binary("logical_and", (a, b) => masked(np.logicalAnd(a, b), a), A, B, "mask"),
  binary("logical_or", (a, b) => masked(np.logicalOr(a, b), a), A, B, "mask"),
  binary("logical_xor", (a, b) => masked(np.logicalXor(np.greater(a, 0), np.greater(b, 0)), a), A, B, "mask"),
  unary("logical_not", (x) => masked(np.logicalNot(np.greater(x, 0)), x), A, "mask"),
  unary("isfinite", (x) => masked(np.isfinite(x), x), A, "mask"),
  unary("isnan", (x) => np.add(x, masked(np.isnan(x), x)), A, "mask"),
  unary("isinf", (x) => np.add(x, masked(np.isinf(x), x)), A, "mask"),
  unary("isposinf", (x) => np.add(x, masked(np.isposinf(x), x)), A, "mask"),
  unary("isneginf", (x) => np.add(x, masked(np.isneginf(x), x)), A, "mask"),
  binary("isclose", (a, b) => np.add(a, masked(np.isclose(a, b), b)), A, B, "mask"),
];
