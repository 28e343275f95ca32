import { Tensor, copyStridedInto, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, TypedArray, allocArray, isDType } from "../tensor/dtype.js";
import { isContiguous, normalizeAxes, shapeSize } from "../tensor/shape.js";
import { ArgumentError, DTypeError } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { StridedRun, pairwiseSum, sumRun } from "../kernels/reduce.js";
import { dtypeOf, shapeOf, toArg, toTensor } from "./args.js";
import { broadcastTo, reshape } from "./shape.js";
import { astype } from "./cast.js";
import { reduceInto } from "./reduce-plan.js";
import { add } from "./arith.js";
import { outerInnerSplit, sumOuterInner } from "./reduce-sum-f32.js";

export type Axis = number | readonly number[] | null;
export interface ReduceParams {
  axes: number[];
  keepdims: boolean;
}
/** NumPy's keyword arguments of the reductions (each function reads the ones it has). */
export interface ReduceOptions {
  axis?: Axis;
  keepdims?: boolean;
  /** The dtype to accumulate in and return (NumPy's `dtype=`): the input is cast to it first. */
  dtype?: DType;
}
export interface SumOptions extends ReduceOptions {
  /** A starting value added to the sum (NumPy's `initial=`). */
  initial?: number;
}

function isOptions(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/**
 * Merges the argument forms every reduction accepts: `(x, axis?, keepdims?)`,
 * `(x, {axis, keepdims, ...})` and `(x, axis, {keepdims, ...})`.
 */
export function mergeReduceArgs<O extends ReduceOptions>(axisOrOpts: Axis | O | undefined, third: boolean | O | undefined): O {
  let o = (isOptions(axisOrOpts) ? { ...(axisOrOpts as O) } : { axis: axisOrOpts as Axis | undefined }) as O;
  if (typeof third === "boolean") o.keepdims = third;
  else if (isOptions(third)) o = { ...o, ...(third as O) };
  return o;
}

/** Reads NumPy-style reduction arguments: `(x, axis?, keepdims?)` or `(x, {axis, keepdims})`. */
export function reduceParams(x: Arg, axisOrOpts: Axis | ReduceOptions | undefined, keepdims: boolean | ReduceOptions | undefined, op: string): ReduceParams {
  const o = mergeReduceArgs(axisOrOpts, keepdims);
  return paramsOf(x, o, op);
}

/** Validated axes and keepdims from merged options. */
export function paramsOf(x: Arg, o: ReduceOptions, op: string): ReduceParams {
  const ax = o.axis;
  if (ax !== undefined && ax !== null && typeof ax !== "number" && !Array.isArray(ax))
    throw new ArgumentError(`${op}: axis must be a number, an array of numbers or null, got ${JSON.stringify(ax)}`);
  if (o.keepdims !== undefined && typeof o.keepdims !== "boolean")
    throw new ArgumentError(`${op}: keepdims must be a boolean, got ${JSON.stringify(o.keepdims)}`);
  return { axes: normalizeAxes(ax ?? null, shapeOf(x).length, op), keepdims: o.keepdims === true };
}

/** Casts `x` to the `dtype=` option (validated), or returns it unchanged. */
export function withDtype(x: Arg, dtype: DType | undefined, op: string): Arg {
  if (dtype === undefined) return x;
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; use float64, float32, int32 or bool`);
  return dtypeOf(x) === dtype && typeof x !== "number" ? x : astype(x, dtype);
}

/** The output shape of a reduction. */
export function reducedShape(shape: readonly number[], p: ReduceParams): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (!p.axes.includes(i)) out.push(shape[i]);
    else if (p.keepdims) out.push(1);
  }
  return out;
}

/** How many input elements each output element of a reduction combines. */
export function reducedCount(shape: readonly number[], axes: readonly number[]): number {
  let m = 1;
  for (const a of axes) m *= shape[a];
  return m;
}

/**
 * Lays `x` out so each output element's inputs are one contiguous run: kept axes first, reduced
 * axes last (a copy only when the view isn't already like that). Returns the buffer, its offset,
 * the number of runs and the run length.
 */
export function reductionRuns(x: Tensor, axes: readonly number[]): [TypedArray, number, number, number] {
  const kept: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (!axes.includes(i)) kept.push(i);
  const perm = kept.concat(axes as number[]);
  const shape = perm.map((a) => x.shape[a]);
  const strides = perm.map((a) => x.strides[a]);
  const m = reducedCount(x.shape, axes);
  const outer = m === 0 ? kept.reduce((s, a) => s * x.shape[a], 1) : x.size / m;
  const buf = x.buffer();
  if (isContiguous(shape, strides)) return [buf, x.offset, outer, m];
  const tmp = allocArray(x.dtype, x.size);
  copyStridedInto(buf, x.offset, shape, strides, tmp);
  return [tmp, 0, outer, m];
}

/**
 * A reduction kernel over concrete `x`: `run` reduces one contiguous run (in C order) to a
 * number. Prefer `reduceStrided` with a strided run, which never gathers.
 */
export function reduceKernel(x: Arg, p: ReduceParams, dt: DType, run: (a: TypedArray, off: number, n: number) => number): Tensor {
  return reduceStrided(x, p, dt, (a, off, n, s) => {
    if (s === 1 || n <= 1) return run(a, off, n);
    const tmp = new Float64Array(n);
    for (let i = 0, q = off; i < n; i++, q += s) tmp[i] = a[q];
    return run(tmp, 0, n);
  }, false);
}

/**
 * A reduction over concrete `x` with a strided run (see kernels/reduce.ts), walking the input in
 * place where the layout allows. `orderFree` is false for runs whose result depends on the
 * order of the elements (argmax's index).
 */
export function reduceStrided(x: Arg, p: ReduceParams, dt: DType, run: StridedRun, orderFree = true, sumRows = false): Tensor {
  const t = toTensor(x);
  const outShape = reducedShape(t.shape, p);
  if (t.ndim === 0) return scalarTensor(run(t.buffer(), t.offset, 1, 1), dt);
  const dst = reduceInto(t, p.axes, dt, shapeSize(outShape), run, orderFree, sumRows);
  return fromBuffer(dst, outShape, dt);
}

/** Reshapes a reduced cotangent so it broadcasts against the input (re-inserting reduced axes). */
export function expandReduced(g: Tensor, inShape: readonly number[], p: ReduceParams): Tensor {
  if (p.keepdims) return g;
  const shape = inShape.map((d, i) => (p.axes.includes(i) ? 1 : d));
  return reshape(g, shape);
}

/** A reduced cotangent broadcast back over the input's shape. */
export function spreadReduced(g: Tensor, inShape: readonly number[], p: ReduceParams): Tensor {
  return broadcastTo(expandReduced(g, inShape, p), inShape);
}

/** NumPy's accumulator dtype for sum/prod/cumsum: bool and int32 add as int32. */
export function sumDtype(d: DType): DType {
  return d === "bool" ? "int32" : d;
}

const sumPrim = definePrimitive<ReduceParams>({
  name: "sum",
  impl: (args, p) => {
    const x = args[0];
    if (typeof x === "number") return scalarTensor(x, "float64");
    if (x.ndim === 0) return scalarTensor(x.scalar, sumDtype(x.dtype));
    if (!p.keepdims && x.isContiguous && p.axes.length === x.ndim)
      return scalarTensor(pairwiseSum(x.buffer(), x.offset, x.size), sumDtype(x.dtype));
    const split = outerInnerSplit(x, p.axes);
    if (split !== null) {
      const shape = reducedShape(x.shape, p);
      const dst = new Float32Array(split[1]);
      sumOuterInner(x.buffer() as Float32Array, x.offset, split[0], split[1], split[2], dst);
      return fromBuffer(dst, shape, "float32");
    }
    return reduceStrided(x, p, sumDtype(x.dtype), sumRun, true, true);
  },
  vjp: (g, _ans, args, p) => spreadReduced(g, shapeOf(args[0]), p),
  jvp: (t, _ans, _args, p) => sum(t, { axis: p.axes, keepdims: p.keepdims }),
});

/**
 * `np.sum(x, axis?, keepdims?)` or `np.sum(x, {axis, keepdims, dtype, initial})`. bool and int32
 * sum to int32; the sum of an empty selection is 0. Summation is pairwise (or blocked across
 * rows), accumulated in float64, so float32 sums stay accurate.
 */
export function sum(x: ArrayLike, axis?: Axis | SumOptions, keepdims?: boolean | SumOptions): Tensor {
  const o = mergeReduceArgs<SumOptions>(axis, keepdims);
  const a = withDtype(toArg(x), o.dtype, "sum");
  const r = bind1(sumPrim, a, paramsOf(a, o, "sum"));
  if (o.initial === undefined) return r;
  if (typeof o.initial !== "number") throw new ArgumentError(`sum: initial must be a number, got ${JSON.stringify(o.initial)}`);
  return o.initial === 0 ? r : add(r, o.initial);
}
