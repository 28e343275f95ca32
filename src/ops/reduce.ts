import { Tensor, copyStridedInto, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, TypedArray, allocArray } from "../tensor/dtype.js";
import { isContiguous, normalizeAxes } from "../tensor/shape.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { pairwiseSum, reduceRuns } from "../kernels/reduce.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { broadcastTo, reshape } from "./shape.js";

export type Axis = number | readonly number[] | null;
export interface ReduceParams {
  axes: number[];
  keepdims: boolean;
}
export interface ReduceOptions {
  axis?: Axis;
  keepdims?: boolean;
}

/** Reads NumPy-style reduction arguments: `(x, axis?, keepdims?)` or `(x, {axis, keepdims})`. */
export function reduceParams(x: Arg, axisOrOpts: Axis | ReduceOptions | undefined, keepdims: boolean | undefined, op: string): ReduceParams {
  let axis: Axis | undefined;
  let kd = keepdims;
  if (axisOrOpts !== null && typeof axisOrOpts === "object" && !Array.isArray(axisOrOpts)) {
    const o = axisOrOpts as ReduceOptions;
    axis = o.axis;
    kd = o.keepdims ?? kd;
  } else axis = axisOrOpts as Axis | undefined;
  return { axes: normalizeAxes(axis ?? null, shapeOf(x).length, op), keepdims: kd === true };
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
  let m = 1;
  for (const a of axes) m *= x.shape[a];
  const outer = m === 0 ? kept.reduce((s, a) => s * x.shape[a], 1) : x.size / m;
  const buf = x.buffer();
  if (isContiguous(shape, strides)) return [buf, x.offset, outer, m];
  const tmp = allocArray(x.dtype, x.size);
  copyStridedInto(buf, x.offset, shape, strides, tmp);
  return [tmp, 0, outer, m];
}

/** A reduction kernel over concrete `x`: `run` reduces one contiguous run to a number. */
export function reduceKernel(x: Arg, p: ReduceParams, dt: DType, run: (a: TypedArray, off: number, n: number) => number): Tensor {
  const t = toTensor(x);
  const outShape = reducedShape(t.shape, p);
  if (t.ndim === 0) {
    const buf = t.buffer();
    return scalarTensor(run(buf, 0, 1), dt);
  }
  const [buf, off, outer, m] = reductionRuns(t, p.axes);
  const dst = allocArray(dt, outer);
  reduceRuns(buf, off, outer, m, dst, run);
  return fromBuffer(dst, outShape, dt);
}

/** Reshapes a reduced cotangent so it broadcasts against the input (re-inserting reduced axes). */
export function expandReduced(g: Tensor, inShape: readonly number[], p: ReduceParams): Tensor {
  if (p.keepdims) return g;
  const shape = inShape.map((d, i) => (p.axes.includes(i) ? 1 : d));
  return reshape(g, shape);
}

function sumDtype(d: DType): DType {
  return d === "bool" ? "int32" : d;
}

const sumPrim = definePrimitive<ReduceParams>({
  name: "sum",
  impl: (args, p) => reduceKernel(args[0], p, sumDtype(toTensor(args[0]).dtype), pairwiseSum),
  vjp: (g, _ans, args, p) => broadcastTo(expandReduced(g, shapeOf(args[0]), p), shapeOf(args[0])),
  jvp: (t, _ans, _args, p) => sum(t, { axis: p.axes, keepdims: p.keepdims }),
});

/** `np.sum(x, axis?, keepdims?)` or `np.sum(x, {axis, keepdims})`. */
export function sum(x: ArrayLike, axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor {
  const a = toArg(x);
  return bind1(sumPrim, a, reduceParams(a, axis, keepdims, "sum"));
}
