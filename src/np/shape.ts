// NumPy's shape, joining and splitting functions that compose the shape primitives, and their Tensor methods.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType } from "../tensor/dtype.js";
import { broadcastShapesN } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { Arg } from "../core/primitive.js";
import { shapeOf, toArg } from "../ops/args.js";
import { reshape, ravel, swapaxes, moveaxis, rollaxis, broadcastTo, RavelOrder } from "../ops/shape.js";
import { ArraySequence, concatenate, readSequence } from "../ops/join.js";
import { split, arraySplit, hsplit, vsplit, dsplit } from "../ops/split.js";

export { ravel, swapaxes, moveaxis, rollaxis, split, arraySplit, hsplit, vsplit, dsplit };
export type { RavelOrder, ReshapeOrder, ReshapeOptions } from "../ops/shape.js";
export type { ArraySequence, JoinOptions } from "../ops/join.js";
export type { IndicesOrSections, SplitOptions } from "../ops/split.js";

/** Pads the shape of `a` to `n` dimensions by NumPy's atleast rules (`lead` leading ones, the rest trailing). */
function atLeast(a: Arg, n: number, lead: number): Tensor {
  const s = shapeOf(a);
  if (s.length >= n) return a as Tensor;
  const pre = Math.min(lead, n - s.length);
  const post = n - s.length - pre;
  return reshape(a, [...new Array<number>(pre).fill(1), ...s, ...new Array<number>(post).fill(1)]);
}

function atLeastAll(xs: ArrayLike[], f: (a: Arg) => Tensor): Tensor | Tensor[] {
  const out = xs.map((x) => f(toArg(x)));
  return out.length === 1 ? out[0] : out;
}

const at1 = (a: Arg): Tensor => atLeast(a, 1, 1);
const at2 = (a: Arg): Tensor => atLeast(a, 2, 2);
// A 1-d (N,) array becomes (1, N, 1) but a 2-d (M, N) one (M, N, 1): the padding side depends on ndim.
const LEAD3 = [3, 1, 0];
const at3 = (a: Arg): Tensor => atLeast(a, 3, LEAD3[shapeOf(a).length] ?? 0);

/** `np.atleast1d(x)`: `x` viewed with at least one dimension; several arrays give a list. */
export function atleast1d(x: ArrayLike): Tensor;
export function atleast1d(...xs: ArrayLike[]): Tensor[];
export function atleast1d(...xs: ArrayLike[]): Tensor | Tensor[] {
  return atLeastAll(xs, at1);
}

/** `np.atleast2d(x)`: 0-d becomes (1, 1) and (N,) becomes (1, N); several arrays give a list. */
export function atleast2d(x: ArrayLike): Tensor;
export function atleast2d(...xs: ArrayLike[]): Tensor[];
export function atleast2d(...xs: ArrayLike[]): Tensor | Tensor[] {
  return atLeastAll(xs, at2);
}

/** `np.atleast3d(x)`: 0-d becomes (1, 1, 1), (N,) becomes (1, N, 1) and (M, N) becomes (M, N, 1). */
export function atleast3d(x: ArrayLike): Tensor;
export function atleast3d(...xs: ArrayLike[]): Tensor[];
export function atleast3d(...xs: ArrayLike[]): Tensor | Tensor[] {
  return atLeastAll(xs, at3);
}

export interface StackOptions {
  dtype?: DType;
}

/** `np.vstack(arrays)`: stacks rows: 1-d arrays of length N become rows (1, N), then join along axis 0. */
export function vstack(arrays: ArraySequence, opts: StackOptions = {}): Tensor {
  return concatenate(readSequence(arrays, "vstack").map(at2), { axis: 0, dtype: opts.dtype });
}

/** `np.hstack(arrays)`: joins 1-d arrays end to end, others along axis 1. */
export function hstack(arrays: ArraySequence, opts: StackOptions = {}): Tensor {
  const xs = readSequence(arrays, "hstack").map(at1);
  return concatenate(xs, { axis: xs[0].ndim === 1 ? 0 : 1, dtype: opts.dtype });
}

/** `np.dstack(arrays)`: joins along the third axis after `atleast3d`. */
export function dstack(arrays: ArraySequence, opts: StackOptions = {}): Tensor {
  return concatenate(readSequence(arrays, "dstack").map(at3), { axis: 2, dtype: opts.dtype });
}

/** `np.columnStack(arrays)`: 1-d arrays become columns (N, 1); everything joins along axis 1. */
export function columnStack(arrays: ArraySequence, opts: StackOptions = {}): Tensor {
  const cols = readSequence(arrays, "columnStack").map((a) => (shapeOf(a).length < 2 ? reshape(a, [-1, 1]) : (a as Tensor)));
  return concatenate(cols, { axis: 1, dtype: opts.dtype });
}

/**
 * `np.append(arr, values, axis = null)`: without an axis both are flattened and joined;
 * with one, `values` must match `arr` off that axis (it is not broadcast).
 */
export function append(arr: ArrayLike, values: ArrayLike, axis: number | null | { axis?: number | null } = null): Tensor {
  const ax = axis !== null && typeof axis === "object" ? axis.axis ?? null : axis;
  const a = toArg(arr);
  const v = toArg(values);
  if (ax === null) return concatenate([ravel(a), ravel(v)], 0);
  return concatenate([a, v], ax);
}

/** `np.broadcastShapes(...shapes)`: the shape NumPy broadcasting gives these shapes. */
export function broadcastShapes(...shapes: (number | readonly number[])[]): number[] {
  const list = shapes.map((s) => (typeof s === "number" ? [s] : Array.from(s)));
  for (const s of list)
    if (s.some((d) => !Number.isInteger(d) || d < 0))
      throw new ShapeError(`broadcastShapes: invalid shape ${fmtShape(s)}; dimensions must be non-negative integers`);
  return broadcastShapesN(list, "broadcastShapes").slice();
}

/** `np.broadcastArrays(...arrays)`: views of every array at their common broadcast shape. */
export function broadcastArrays(...arrays: ArrayLike[]): Tensor[] {
  const args = arrays.map((x) => toArg(x));
  const shape = broadcastShapesN(args.map(shapeOf), "broadcastArrays");
  return args.map((a) => broadcastTo(a, shape));
}

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** The elements as a 1-d tensor, a view when the data allow it (`np.ravel`). */
    ravel(order?: RavelOrder): Tensor;
    /** Like `ravel`: tensors are immutable, so sharing storage is as safe as NumPy's copy. */
    flatten(order?: RavelOrder): Tensor;
    swapaxes(axis1: number, axis2: number): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    broadcastTo(shape: readonly number[] | number): Tensor;
  }
}

const P = Tensor.prototype;
P.ravel = function (order) { return ravel(this, order); };
P.flatten = function (order) { return ravel(this, order); };
P.swapaxes = function (axis1, axis2) { return swapaxes(this, axis1, axis2); };
P.moveaxis = function (source, destination) { return moveaxis(this, source, destination); };
P.broadcastTo = function (shape) { return broadcastTo(this, shape); };
