import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray, isFloat } from "../tensor/dtype.js";
import { shapeSize } from "../tensor/shape.js";
import { ArgumentError } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { squaredDeviationsRun } from "../kernels/reduce.js";
import { dtypeOf, shapeOf, toArg, toTensor } from "./args.js";
import { astype } from "./cast.js";
import { divide, equal, multiply, subtract } from "./arith.js";
import { where } from "./where.js";
import {
  Axis, ReduceOptions, ReduceParams, expandReduced, mergeReduceArgs, paramsOf, reducedCount, reducedShape, sum, withDtype,
} from "./reduce.js";
import { reduceInto } from "./reduce-plan.js";
import { prod } from "./reduce-prod.js";

export interface VarOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is N - ddof (0 by default). */
  ddof?: number;
  /** NumPy 2's name for ddof. */
  correction?: number;
}

/** The input of mean/var/std in the dtype they compute in: ints and bools go to float64. */
function floatInput(x: Arg, dtype: DType | undefined, op: string): Arg {
  const a = withDtype(x, dtype, op);
  return isFloat(dtypeOf(a)) ? a : astype(a, "float64");
}

/** Casts a float result back to an explicit integer `dtype=` (NumPy computes, then casts). */
function toRequested(r: Tensor, dtype: DType | undefined): Tensor {
  return dtype !== undefined && !isFloat(dtype) ? astype(r, dtype) : r;
}

/** `np.mean(x, axis?, keepdims?)` or `np.mean(x, {axis, keepdims, dtype})`; the mean of nothing is NaN. */
export function mean(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor {
  const o = mergeReduceArgs<ReduceOptions>(axis, keepdims);
  const a = floatInput(toArg(x), o.dtype, "mean");
  const p = paramsOf(a, o, "mean");
  return toRequested(meanOf(a, p), o.dtype);
}

function meanOf(a: Arg, p: ReduceParams): Tensor {
  return divide(sum(a, { axis: p.axes, keepdims: p.keepdims }), reducedCount(shapeOf(a), p.axes));
}

function readDdof(o: VarOptions, op: string): number {
  if (o.ddof !== undefined && o.correction !== undefined)
    throw new ArgumentError(`${op}: ddof and correction are the same parameter; give only one`);
  const d = o.ddof ?? o.correction ?? 0;
  if (typeof d !== "number" || !Number.isFinite(d)) throw new ArgumentError(`${op}: ddof must be a finite number, got ${JSON.stringify(d)}`);
  return d;
}

/** The divisor N - ddof, clipped at 0 as NumPy does (a non-positive count gives inf or NaN). */
function divisor(a: Arg, p: ReduceParams, ddof: number): number {
  return Math.max(reducedCount(shapeOf(a), p.axes) - ddof, 0);
}

/** Deviations from the group means (the two-pass algorithm: stable where E[x²]-E[x]² is not). */
function deviations(a: Arg, p: ReduceParams): Tensor {
  return subtract(a, meanOf(a, { axes: p.axes, keepdims: true }));
}

/**
 * var (or, with `root`, std) of concrete float `x`: squared deviations summed in float64 per
 * group, divided by N - ddof, rounded to x's dtype once at the end.
 */
function varianceKernel(x: Arg, p: StatParams, root: boolean): Tensor {
  const t = toTensor(x);
  const outShape = reducedShape(t.shape, p);
  const size = shapeSize(outShape);
  const ss = t.ndim === 0 ? Float64Array.of(0) : reduceInto(t, p.axes, "float64", size, squaredDeviationsRun, true);
  const div = divisor(t, p, p.ddof);
  const out = allocArray(t.dtype, size);
  for (let i = 0; i < size; i++) out[i] = root ? Math.sqrt(ss[i] / div) : ss[i] / div;
  return fromBuffer(out, outShape, t.dtype);
}

interface StatParams extends ReduceParams {
  ddof: number;
}

const varPrim = definePrimitive<StatParams>({
  name: "var",
  impl: (args, p) => varianceKernel(args[0], p, false),
  vjp: (g, _ans, args, p) => {
    const coef = divide(expandReduced(g, shapeOf(args[0]), p), divisor(args[0], p, p.ddof) / 2);
    return multiply(deviations(args[0], p), coef);
  },
  jvp: (t, _ans, args, p) =>
    divide(sum(multiply(t, deviations(args[0], p)), { axis: p.axes, keepdims: p.keepdims }), divisor(args[0], p, p.ddof) / 2),
});

/**
 * `np.var(x, axis?, keepdims?)` or `np.var(x, {axis, keepdims, ddof, dtype})`: the mean squared
 * deviation, divided by N - ddof. Exported as `var`.
 */
export function variance(x: ArrayLike, axis?: Axis | VarOptions, keepdims?: boolean | VarOptions): Tensor {
  const o = mergeReduceArgs<VarOptions>(axis, keepdims);
  const a = floatInput(toArg(x), o.dtype, "var");
  const p = paramsOf(a, o, "var");
  return toRequested(bind1(varPrim, a, { ...p, ddof: readDdof(o, "var") }), o.dtype);
}

/** s where s > 0, else 1: keeps the unused branch of a `where` finite, so its derivatives are too. */
function safe(s: Tensor): Tensor {
  return where(equal(s, 0), 1, s);
}

// std is its own primitive for its convention: where the deviation is zero (a single element,
// a scalar, a constant group) the value is 0 and the derivative 0, not sqrt's infinite slope.
const stdPrim = definePrimitive<StatParams>({
  name: "std",
  impl: (args, p) => varianceKernel(args[0], p, true),
  vjp: (g, ans, args, p) => {
    const shape = shapeOf(args[0]);
    const s = expandReduced(ans, shape, p);
    const coef = where(equal(s, 0), 0, divide(expandReduced(g, shape, p), multiply(safe(s), divisor(args[0], p, p.ddof))));
    return multiply(deviations(args[0], p), coef);
  },
  jvp: (t, ans, args, p) => {
    const along = sum(multiply(t, deviations(args[0], p)), { axis: p.axes, keepdims: p.keepdims });
    return where(equal(ans, 0), 0, divide(along, multiply(safe(ans), divisor(args[0], p, p.ddof))));
  },
});

/**
 * `np.std(x, axis?, keepdims?)` or `np.std(x, {axis, keepdims, ddof, dtype})`: the square root
 * of `var`. Over a single element (or of a scalar) the value is 0 and the gradient is 0.
 */
export function std(x: ArrayLike, axis?: Axis | VarOptions, keepdims?: boolean | VarOptions): Tensor {
  const o = mergeReduceArgs<VarOptions>(axis, keepdims);
  const a = floatInput(toArg(x), o.dtype, "std");
  const p = paramsOf(a, o, "std");
  return toRequested(bind1(stdPrim, a, { ...p, ddof: readDdof(o, "std") }), o.dtype);
}

/** x with NaNs replaced by `fill` (equal(x, x) is false only at NaN). Ints and bools have none. */
function withoutNaN(a: Arg, fill: number): Arg {
  return isFloat(dtypeOf(a)) ? where(equal(a, a), a, fill) : a;
}

/** `np.nansum(x, ...)`: the sum, treating NaN as 0. The gradient at NaN entries is 0. */
export function nansum(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor {
  const o = mergeReduceArgs<ReduceOptions>(axis, keepdims);
  return sum(withoutNaN(withDtype(toArg(x), o.dtype, "nansum"), 0), { axis: o.axis, keepdims: o.keepdims });
}

/** `np.nanprod(x, ...)`: the product, treating NaN as 1. */
export function nanprod(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor {
  const o = mergeReduceArgs<ReduceOptions>(axis, keepdims);
  return prod(withoutNaN(withDtype(toArg(x), o.dtype, "nanprod"), 1), { axis: o.axis, keepdims: o.keepdims });
}

/** `np.nanmean(x, ...)`: the mean of the non-NaN entries (NaN where there are none). */
export function nanmean(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor {
  const o = mergeReduceArgs<ReduceOptions>(axis, keepdims);
  const a = floatInput(toArg(x), o.dtype, "nanmean");
  const p = paramsOf(a, o, "nanmean");
  const opts = { axis: p.axes, keepdims: p.keepdims };
  const count = astype(sum(equal(a, a), opts), dtypeOf(a));
  return toRequested(divide(sum(withoutNaN(a, 0), opts), count), o.dtype);
}
