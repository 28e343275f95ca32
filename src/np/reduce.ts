// The reductions: NumPy's names and their Tensor methods (`sum` lives in np/elementwise.ts).
import { Tensor } from "../tensor/tensor.js";
import { Axis, ReduceOptions, SumOptions } from "../ops/reduce.js";
import { prod } from "../ops/reduce-prod.js";
import { max, min, argmax, argmin, ExtremumOptions, ArgExtremumOptions } from "../ops/reduce-extrema.js";
import { mean, variance, std, nansum, nanmean, nanprod, VarOptions } from "../ops/reduce-stats.js";
import { cumsum, cumprod, CumulativeOptions } from "../ops/reduce-cumulative.js";
import { all, any, countNonzero } from "../ops/reduce-logical.js";

export { prod, max, min, max as amax, min as amin, argmax, argmin, mean, variance as var, std };
export { nansum, nanmean, nanprod, cumsum, cumprod, all, any, countNonzero };
export type { Axis, ReduceOptions, SumOptions, ExtremumOptions, ArgExtremumOptions, VarOptions, CumulativeOptions };

declare module "../tensor/tensor.js" {
  interface Tensor {
    mean(axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
    prod(axis?: Axis | SumOptions, keepdims?: boolean | SumOptions): Tensor;
    var(axis?: Axis | VarOptions, keepdims?: boolean | VarOptions): Tensor;
    std(axis?: Axis | VarOptions, keepdims?: boolean | VarOptions): Tensor;
    max(axis?: Axis | ExtremumOptions, keepdims?: boolean | ExtremumOptions): Tensor;
    min(axis?: Axis | ExtremumOptions, keepdims?: boolean | ExtremumOptions): Tensor;
    cumsum(axis?: number | null | CumulativeOptions): Tensor;
    cumprod(axis?: number | null | CumulativeOptions): Tensor;
    argmax(axis?: number | null | ArgExtremumOptions, keepdims?: boolean): Tensor;
    argmin(axis?: number | null | ArgExtremumOptions, keepdims?: boolean): Tensor;
    all(axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
    any(axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
  }
}

const P = Tensor.prototype;
P.mean = function (axis, keepdims) { return mean(this, axis, keepdims); };
P.prod = function (axis, keepdims) { return prod(this, axis, keepdims); };
P.var = function (axis, keepdims) { return variance(this, axis, keepdims); };
P.std = function (axis, keepdims) { return std(this, axis, keepdims); };
P.max = function (axis, keepdims) { return max(this, axis, keepdims); };
P.min = function (axis, keepdims) { return min(this, axis, keepdims); };
P.cumsum = function (axis) { return cumsum(this, axis); };
P.cumprod = function (axis) { return cumprod(this, axis); };
P.argmax = function (axis, keepdims) { return argmax(this, axis, keepdims); };
P.argmin = function (axis, keepdims) { return argmin(this, axis, keepdims); };
P.all = function (axis, keepdims) { return all(this, axis, keepdims); };
P.any = function (axis, keepdims) { return any(this, axis, keepdims); };
