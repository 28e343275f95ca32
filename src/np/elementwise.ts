import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { add, subtract, multiply, divide, negative, power } from "../ops/arith.js";
import {
  sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, arcsinh, arccosh, arctanh,
  exp, exp2, expm1, log, log2, log10, log1p, sqrt, square, reciprocal, sinc, deg2rad, rad2deg,
} from "../ops/unary.js";
import { arctan2, hypot, logaddexp, logaddexp2, maximum, minimum, fmax, fmin, mod, fmod, floorDivide } from "../ops/binary.js";
import {
  equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr, logicalXor, logicalNot,
  isfinite, isnan, isinf, isposinf, isneginf, isclose, iscomplex, isreal,
} from "../ops/compare.js";
import { floor, ceil, trunc, fix, rint, round, sign, RoundOptions } from "../ops/elementwise-rounding.js";
import { abs, fabs, real, imag, conj, angle, realIfClose } from "../ops/elementwise-real.js";
import { clip, nanToNum, ClipOptions } from "../ops/elementwise-clip.js";
import { sum, Axis, ReduceOptions } from "../ops/reduce.js";
import { reshape, transpose, expandDims, squeeze, broadcastTo } from "../ops/shape.js";
import { astype } from "../ops/cast.js";
import { where as where3 } from "../ops/where.js";
import { nonzero } from "../ops/index-nonzero.js";
import { ArgumentError } from "../errors.js";
import { concatenate, stack } from "../ops/join.js";
import { DType } from "../tensor/dtype.js";

export { add, subtract, multiply, divide, negative, power };
export { sin, cos, tan, arcsin, arccos, arctan, sinh, cosh, tanh, arcsinh, arccosh, arctanh };
export { exp, exp2, expm1, log, log2, log10, log1p, sqrt, square, reciprocal, sinc, deg2rad, rad2deg };
export { arctan2, hypot, logaddexp, logaddexp2, maximum, minimum, fmax, fmin, mod, fmod, floorDivide };
export { equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr, logicalXor, logicalNot };
export { isfinite, isnan, isinf, isposinf, isneginf, isclose, iscomplex, isreal };
export { floor, ceil, trunc, fix, rint, round, sign, abs, fabs, real, imag, conj, angle, realIfClose, clip, nanToNum };
export type { IscloseOptions } from "../ops/compare.js";
export type { RoundOptions, ClipOptions };
export type { AngleOptions, RealIfCloseOptions } from "../ops/elementwise-real.js";
export type { NanToNumOptions } from "../ops/elementwise-clip.js";
// NumPy's aliases: the same functions under their other names.
export { divide as trueDivide, abs as absolute, conj as conjugate, rad2deg as degrees, deg2rad as radians };
export { mod as remainder, round as around };

export { sum, reshape, transpose };
export { expandDims, squeeze, broadcastTo, astype, concatenate, stack };

/**
 * `np.where(condition, x, y)`: x where condition is true, else y (broadcast; differentiable in x
 * and y). With the condition alone, `np.nonzero(condition)`.
 */
export function where(condition: ArrayLike): Tensor[];
export function where(condition: ArrayLike, x: ArrayLike, y: ArrayLike): Tensor;
export function where(condition: ArrayLike, x?: ArrayLike, y?: ArrayLike): Tensor | Tensor[] {
  if (x === undefined && y === undefined) return nonzero(condition);
  if (x === undefined || y === undefined)
    throw new ArgumentError("where: give both x and y, or neither (np.where(condition) is np.nonzero(condition))");
  return where3(condition, x, y);
}

declare module "../tensor/tensor.js" {
  interface Tensor {
    add(y: ArrayLike): Tensor;
    sub(y: ArrayLike): Tensor;
    mul(y: ArrayLike): Tensor;
    div(y: ArrayLike): Tensor;
    pow(y: ArrayLike): Tensor;
    /** Python's modulo (np.mod). */
    mod(y: ArrayLike): Tensor;
    /** Floor division (np.floorDivide). */
    floorDiv(y: ArrayLike): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    tanh(): Tensor;
    exp(): Tensor;
    expm1(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    trunc(): Tensor;
    round(decimals?: number | RoundOptions): Tensor;
    clip(aMin?: ArrayLike | null | ClipOptions, aMax?: ArrayLike | null): Tensor;
    maximum(y: ArrayLike): Tensor;
    minimum(y: ArrayLike): Tensor;
    /** Elementwise comparisons (np.equal, np.notEqual, np.less, ...): bool tensors. */
    eq(y: ArrayLike): Tensor;
    ne(y: ArrayLike): Tensor;
    lt(y: ArrayLike): Tensor;
    le(y: ArrayLike): Tensor;
    gt(y: ArrayLike): Tensor;
    ge(y: ArrayLike): Tensor;
    logicalAnd(y: ArrayLike): Tensor;
    logicalOr(y: ArrayLike): Tensor;
    logicalXor(y: ArrayLike): Tensor;
    logicalNot(): Tensor;
    isnan(): Tensor;
    isfinite(): Tensor;
    conj(): Tensor;
    sum(axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor;
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    transpose(...axes: number[] | [readonly number[]]): Tensor;
    readonly T: Tensor;
    astype(dtype: DType): Tensor;
    expandDims(axis: number | readonly number[]): Tensor;
    squeeze(axis?: number | readonly number[] | null): Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (y) { return add(this, y); };
P.sub = function (y) { return subtract(this, y); };
P.mul = function (y) { return multiply(this, y); };
P.div = function (y) { return divide(this, y); };
P.pow = function (y) { return power(this, y); };
P.mod = function (y) { return mod(this, y); };
P.floorDiv = function (y) { return floorDivide(this, y); };
P.neg = function () { return negative(this); };
P.abs = function () { return abs(this); };
P.sign = function () { return sign(this); };
P.sqrt = function () { return sqrt(this); };
P.square = function () { return square(this); };
P.reciprocal = function () { return reciprocal(this); };
P.sin = function () { return sin(this); };
P.cos = function () { return cos(this); };
P.tan = function () { return tan(this); };
P.sinh = function () { return sinh(this); };
P.cosh = function () { return cosh(this); };
P.tanh = function () { return tanh(this); };
P.exp = function () { return exp(this); };
P.expm1 = function () { return expm1(this); };
P.log = function () { return log(this); };
P.log1p = function () { return log1p(this); };
P.floor = function () { return floor(this); };
P.ceil = function () { return ceil(this); };
P.trunc = function () { return trunc(this); };
P.round = function (decimals) { return round(this, decimals); };
P.clip = function (aMin, aMax) { return clip(this, aMin, aMax); };
P.maximum = function (y) { return maximum(this, y); };
P.minimum = function (y) { return minimum(this, y); };
P.eq = function (y) { return equal(this, y); };
P.ne = function (y) { return notEqual(this, y); };
P.lt = function (y) { return less(this, y); };
P.le = function (y) { return lessEqual(this, y); };
P.gt = function (y) { return greater(this, y); };
P.ge = function (y) { return greaterEqual(this, y); };
P.logicalAnd = function (y) { return logicalAnd(this, y); };
P.logicalOr = function (y) { return logicalOr(this, y); };
P.logicalXor = function (y) { return logicalXor(this, y); };
P.logicalNot = function () { return logicalNot(this); };
P.isnan = function () { return isnan(this); };
P.isfinite = function () { return isfinite(this); };
P.conj = function () { return conj(this); };
P.sum = function (axis, keepdims) { return sum(this, axis, keepdims); };
P.reshape = function (...shape: (number | readonly number[])[]) {
  return reshape(this, Array.isArray(shape[0]) ? (shape[0] as readonly number[]) : (shape as number[]));
};
P.transpose = function (...axes: (number | readonly number[])[]) {
  if (axes.length === 0) return transpose(this);
  return transpose(this, Array.isArray(axes[0]) ? (axes[0] as readonly number[]) : (axes as number[]));
};
Object.defineProperty(P, "T", { get(this: Tensor) { return transpose(this); }, configurable: true });
P.astype = function (dtype) { return astype(this, dtype); };
P.expandDims = function (axis) { return expandDims(this, axis); };
P.squeeze = function (axis) { return squeeze(this, axis); };
