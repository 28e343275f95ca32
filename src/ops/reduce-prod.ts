import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError } from "../errors.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { prodRun, prodRunInt } from "../kernels/reduce.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { invertPermutation, reshape, transpose } from "./shape.js";
import { onesLike } from "./fill.js";
import { multiply } from "./arith.js";
import {
  Axis, ReduceParams, SumOptions, mergeReduceArgs, paramsOf, reduceStrided, reducedCount, spreadReduced, sum, sumDtype, withDtype,
} from "./reduce.js";
import { cumulativeProd, shift } from "./reduce-cumulative.js";

/**
 * For each element, the product of the other elements of its reduction group: the derivative
 * of the product. Built from exclusive prefix and suffix products (cumprod), never by dividing
 * the product by x, so it is exact where x has zeros and differentiable again.
 */
export function othersProduct(x: Tensor, axes: readonly number[]): Tensor {
  const shape = x.shape;
  const m = reducedCount(shape, axes);
  if (x.ndim === 0 || m <= 1) return onesLike(x);
  const kept: number[] = [];
  for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) kept.push(i);
  const perm = kept.concat(axes);
  const flat = reshape(transpose(x, perm), kept.map((a) => shape[a]).concat([m]));
  const last = kept.length;
  const before = cumulativeProd(shift(flat, last, true, 1), last, false);
  const after = cumulativeProd(shift(flat, last, false, 1), last, true);
  return transpose(reshape(multiply(before, after), perm.map((a) => shape[a])), invertPermutation(perm));
}

const prodPrim = definePrimitive<ReduceParams>({
  name: "prod",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const dt = sumDtype(x.dtype);
    return reduceStrided(x, p, dt, dt === "int32" ? prodRunInt : prodRun);
  },
  vjp: (g, _ans, args, p) => multiply(spreadReduced(g, shapeOf(args[0]), p), othersProduct(toTensor(args[0]), p.axes)),
  jvp: (t, _ans, args, p) => sum(multiply(t, othersProduct(toTensor(args[0]), p.axes)), { axis: p.axes, keepdims: p.keepdims }),
});

/**
 * `np.prod(x, axis?, keepdims?)` or `np.prod(x, {axis, keepdims, dtype, initial})`. bool and
 * int32 multiply in int32 (wrapping like NumPy's fixed-width integers); the product of an empty
 * selection is 1. The gradient is exact where elements are zero.
 */
export function prod(x: ArrayLike, axis?: Axis | SumOptions, keepdims?: boolean | SumOptions): Tensor {
  const o = mergeReduceArgs<SumOptions>(axis, keepdims);
  const a = withDtype(toArg(x), o.dtype, "prod");
  const r = bind1(prodPrim, a, paramsOf(a, o, "prod"));
  if (o.initial === undefined || o.initial === 1) return r;
  if (typeof o.initial !== "number") throw new ArgumentError(`prod: initial must be a number, got ${JSON.stringify(o.initial)}`);
  return multiply(r, o.initial);
}
