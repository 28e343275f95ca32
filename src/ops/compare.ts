import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { definePrimitive } from "../core/primitive.js";
import { bind2 } from "../core/trace.js";
import { ArgumentError } from "../errors.js";
import { binaryOp, unaryOp } from "./define.js";
import { shapeOf, toArg } from "./args.js";
import { binaryDtypes, binaryKernel } from "./kernel-wrap.js";
import { full } from "./fill.js";

// Comparisons, logical functions and value tests: bool results, so constants under every
// transform. Operands are compared in their promoted dtype (a JS number meets a float32 array
// as a float32, as in NumPy); NaN compares unequal to everything.

export const equal = binaryOp("equal", (x, y) => (x === y ? 1 : 0), { out: "bool", nondiff: true });
export const notEqual = binaryOp("not_equal", (x, y) => (x !== y ? 1 : 0), { out: "bool", nondiff: true });
export const less = binaryOp("less", (x, y) => (x < y ? 1 : 0), { out: "bool", nondiff: true });
export const lessEqual = binaryOp("less_equal", (x, y) => (x <= y ? 1 : 0), { out: "bool", nondiff: true });
export const greater = binaryOp("greater", (x, y) => (x > y ? 1 : 0), { out: "bool", nondiff: true });
export const greaterEqual = binaryOp("greater_equal", (x, y) => (x >= y ? 1 : 0), { out: "bool", nondiff: true });

// Truth values: nonzero is true, and NaN is nonzero.
export const logicalAnd = binaryOp("logical_and", (x, y) => (x !== 0 && y !== 0 ? 1 : 0), { out: "bool", nondiff: true });
export const logicalOr = binaryOp("logical_or", (x, y) => (x !== 0 || y !== 0 ? 1 : 0), { out: "bool", nondiff: true });
export const logicalXor = binaryOp("logical_xor", (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0), { out: "bool", nondiff: true });
export const logicalNot = unaryOp("logical_not", (x) => (x === 0 ? 1 : 0), { out: "bool", nondiff: true });

export const isfinite = unaryOp("isfinite", (x) => (x - x === 0 ? 1 : 0), { out: "bool", nondiff: true });
export const isnan = unaryOp("isnan", (x) => (x !== x ? 1 : 0), { out: "bool", nondiff: true });
export const isinf = unaryOp("isinf", (x) => (x === Infinity || x === -Infinity ? 1 : 0), { out: "bool", nondiff: true });
export const isposinf = unaryOp("isposinf", (x) => (x === Infinity ? 1 : 0), { out: "bool", nondiff: true });
export const isneginf = unaryOp("isneginf", (x) => (x === -Infinity ? 1 : 0), { out: "bool", nondiff: true });

/** `np.iscomplex(x)`: elementwise, whether the imaginary part is nonzero; false for real dtypes. */
export function iscomplex(x: ArrayLike): Tensor {
  return full(shapeOf(toArg(x)), false, "bool");
}

/** `np.isreal(x)`: elementwise, whether the imaginary part is zero; true for real dtypes. */
export function isreal(x: ArrayLike): Tensor {
  return full(shapeOf(toArg(x)), true, "bool");
}

export interface IscloseOptions {
  /** Relative tolerance, against |b| (NumPy's default 1e-5). */
  rtol?: number;
  /** Absolute tolerance (default 1e-8). */
  atol?: number;
  /** Whether NaN equals NaN (default false). */
  equalNan?: boolean;
}

interface IscloseParams {
  rtol: number;
  atol: number;
  equalNan: boolean;
}

function closeTest(p: IscloseParams): (x: number, y: number) => number {
  const { rtol, atol, equalNan } = p;
  return (x, y) => {
    if (x === y) return 1; // equal infinities, which the difference test would see as NaN
    if (x !== x || y !== y) return equalNan && x !== x && y !== y ? 1 : 0;
    if (x - x !== 0 || y - y !== 0) return 0; // an infinity is close only to itself
    return Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0;
  };
}

const iscloseImpl = (a: ArrayLike | number, b: ArrayLike | number, p: IscloseParams): Tensor => {
  const x = toArg(a);
  const y = toArg(b);
  // NumPy compares in a float dtype, so integer operands are tested as float64.
  const [calc] = binaryDtypes(x, y, "float");
  return binaryKernel(x, y, calc, "bool", closeTest(p), "isclose");
};

const isclosePrim = definePrimitive<IscloseParams>({
  name: "isclose",
  impl: (args, p) => iscloseImpl(args[0], args[1], p),
  impl2: (a, b, p) => iscloseImpl(a, b, p),
  nondiff: true,
});

/**
 * `np.isclose(a, b, {rtol, atol, equalNan})`: |a - b| <= atol + rtol * |b| elementwise
 * (asymmetric in a and b, as NumPy); infinities are close only to themselves.
 */
export function isclose(a: ArrayLike, b: ArrayLike, opts: IscloseOptions = {}): Tensor {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  if (!(rtol >= 0) || !(atol >= 0))
    throw new ArgumentError(`isclose: rtol and atol must be non-negative numbers, got rtol=${rtol}, atol=${atol}`);
  return bind2(isclosePrim, toArg(a), toArg(b), { rtol, atol, equalNan: opts.equalNan === true });
}
