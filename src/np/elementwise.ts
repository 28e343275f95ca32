import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { add, subtract, multiply, divide, negative, power, equal } from "../ops/arith.js";
import { sin, cos, exp, log } from "../ops/unary.js";
import { sum, Axis, ReduceOptions } from "../ops/reduce.js";
import { reshape, transpose, expandDims, squeeze, broadcastTo } from "../ops/shape.js";
import { astype } from "../ops/cast.js";
import { where } from "../ops/where.js";
import { concatenate, stack } from "../ops/join.js";
import { DType } from "../tensor/dtype.js";

export { add, subtract, multiply, divide, negative, power, equal, sin, cos, exp, log, sum, reshape, transpose };
export { expandDims, squeeze, broadcastTo, astype, where, concatenate, stack };
export { divide as trueDivide };

declare module "../tensor/tensor.js" {
  interface Tensor {
    add(y: ArrayLike): Tensor;
    sub(y: ArrayLike): Tensor;
    mul(y: ArrayLike): Tensor;
    div(y: ArrayLike): Tensor;
    pow(y: ArrayLike): Tensor;
    neg(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    exp(): Tensor;
    log(): Tensor;
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
P.neg = function () { return negative(this); };
P.sin = function () { return sin(this); };
P.cos = function () { return cos(this); };
P.exp = function () { return exp(this); };
P.log = function () { return log(this); };
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
