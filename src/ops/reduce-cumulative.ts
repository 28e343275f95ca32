import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray, promoteTypes } from "../tensor/dtype.js";
import { normalizeAxis, shapesEqual, broadcastShapes } from "../tensor/shape.js";
import { ArgumentError } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind, bind1 } from "../core/trace.js";
import { cumprodLines, cumsumLines, linearRecurrenceLines } from "../kernels/reduce.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { unbroadcast } from "./grad-util.js";
import { broadcastTo, reshape } from "./shape.js";
import { concatenate, sliceAxis } from "./join.js";
import { full } from "./fill.js";
import { add, multiply } from "./arith.js";
import { sumDtype, withDtype } from "./reduce.js";

interface ScanParams {
  axis: number;
  /** Accumulate from the last element towards the first (the transpose of the forward scan). */
  reverse: boolean;
}

/** The [outer, n, inner] split of a shape around `axis`. */
function lines(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1, inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

function cumsumImpl(x: Tensor, p: ScanParams): Tensor {
  const dt = sumDtype(x.dtype);
  const src = x.contiguousData(false);
  const dst = allocArray(dt, x.size);
  const [o, n, i] = lines(x.shape, p.axis);
  if (x.size > 0) cumsumLines(src, dst, o, n, i, p.reverse);
  return fromBuffer(dst, x.shape, dt);
}

function cumprodImpl(x: Tensor, p: ScanParams): Tensor {
  const dt = sumDtype(x.dtype);
  const src = x.contiguousData(false);
  const dst = allocArray(dt, x.size);
  const [o, n, i] = lines(x.shape, p.axis);
  if (x.size > 0) cumprodLines(src, dst, o, n, i, p.reverse, dt === "int32");
  return fromBuffer(dst, x.shape, dt);
}

/**
 * Internal: `x` moved one step along `axis` (towards higher indices when `forward`), the vacated slot
 * filled with `fill`: shifted[i] = x[i-1] (forward) or x[i+1].
 */
export function shift(x: Tensor, axis: number, forward: boolean, fill: number): Tensor {
  const n = x.shape[axis];
  const padShape = x.shape.slice();
  padShape[axis] = 1;
  const pad = full(padShape, fill, x.dtype);
  if (n <= 1) return broadcastTo(pad, x.shape);
  return forward
    ? concatenate([pad, sliceAxis(x, axis, 0, n - 1)], axis)
    : concatenate([sliceAxis(x, axis, 1, n), pad], axis);
}

const cumsumPrim = definePrimitive<ScanParams>({
  name: "cumsum",
  impl: (args, p) => cumsumImpl(toTensor(args[0]), p),
  vjp: (g, _ans, _args, p) => cumulativeSum(g, p.axis, !p.reverse),
  jvp: (t, _ans, _args, p) => cumulativeSum(t, p.axis, p.reverse),
});

/** Internal: cumsum along a normalized axis, optionally from the end. */
export function cumulativeSum(x: Tensor, axis: number, reverse: boolean): Tensor {
  return bind1(cumsumPrim, x, { axis, reverse });
}

// cumprod's rules go through the linear recurrence h[i] = a[i]·h[i-1] + b[i], whose own rules
// are recurrences again: no division by x, so zeros in x are handled exactly at every order.
const cumprodPrim = definePrimitive<ScanParams>({
  name: "cumprod",
  impl: (args, p) => cumprodImpl(toTensor(args[0]), p),
  vjp: (g, ans, args, p) => {
    const x = toTensor(args[0]);
    // dL/dx[i] = y[i-1] · Σ_{k>=i} g[k]·x[i+1]···x[k]: the inner sum runs against the scan.
    const mu = linearRecurrence(shift(x, p.axis, p.reverse, 0), g, p.axis, !p.reverse);
    return multiply(shift(ans, p.axis, !p.reverse, 1), mu);
  },
  jvp: (t, ans, args, p) =>
    linearRecurrence(toTensor(args[0]), multiply(t, shift(ans, p.axis, !p.reverse, 1)), p.axis, p.reverse),
});

/** Internal: cumprod along a normalized axis, optionally from the end. */
export function cumulativeProd(x: Tensor, axis: number, reverse: boolean): Tensor {
  return bind1(cumprodPrim, x, { axis, reverse });
}

const recurrencePrim = definePrimitive<ScanParams>({
  name: "linear_recurrence",
  impl: (args, p) => {
    const a = toTensor(args[0]);
    const b = toTensor(args[1]);
    const dt: DType = promoteTypes(a.dtype, b.dtype);
    const shape = broadcastShapes(a.shape, b.shape, "linear_recurrence");
    const av = shapesEqual(a.shape, shape) ? a : broadcastTo(a, shape);
    const bv = shapesEqual(b.shape, shape) ? b : broadcastTo(b, shape);
    const n = av.size;
    const dst = allocArray(dt, n);
    const [o, m, i] = lines(shape, p.axis);
    if (n > 0) linearRecurrenceLines(av.contiguousData(false), bv.contiguousData(false), dst, o, m, i, p.reverse);
    return fromBuffer(dst, shape, dt);
  },
  vjp: (g, ans, args, p, i) => {
    const a = toTensor(args[0]);
    // The transpose of the scan is the scan run backwards with the multipliers shifted by one.
    const mu = linearRecurrence(shift(a, p.axis, p.reverse, 0), g, p.axis, !p.reverse);
    return unbroadcast(i === 1 ? mu : multiply(mu, shift(ans, p.axis, !p.reverse, 0)), args[i]);
  },
  jvpJoint: (tangents, ans, args, p) => {
    const [ta, tb] = tangents;
    let drive: Tensor | null = tb;
    if (ta !== null) {
      const fromA = multiply(ta, shift(ans, p.axis, !p.reverse, 0));
      drive = drive === null ? fromA : add(drive, fromA);
    }
    return linearRecurrence(toTensor(args[0]), drive!, p.axis, p.reverse);
  },
});

/**
 * Internal: the first-order linear recurrence h[i] = a[i]·h[i-1] + b[i] along `axis` (h[-1] = 0),
 * or h[i] = a[i]·h[i+1] + b[i] from the end when `reverse`. `a` and `b` have one shape.
 */
export function linearRecurrence(a: ArrayLike, b: ArrayLike, axis: number, reverse = false): Tensor {
  const aa = toArg(a);
  const bb = toArg(b);
  const ax = normalizeAxis(axis, shapeOf(aa).length, "linear_recurrence");
  return bind(recurrencePrim, [aa, bb], { axis: ax, reverse });
}

export interface CumulativeOptions {
  /** The axis to accumulate along; null (the default) flattens first, as NumPy does. */
  axis?: number | null;
  dtype?: DType;
}

function cumulativeArgs(x: ArrayLike, axis: number | null | CumulativeOptions | undefined, op: string): [Arg, number] {
  const o: CumulativeOptions = axis !== null && typeof axis === "object" && !Array.isArray(axis) ? axis : { axis: axis as number | null | undefined };
  if (o.axis !== undefined && o.axis !== null && typeof o.axis !== "number")
    throw new ArgumentError(`${op}: axis must be a single integer or null, got ${JSON.stringify(o.axis)}`);
  let a = withDtype(toArg(x), o.dtype, op);
  if (o.axis === undefined || o.axis === null) {
    a = reshape(a, [-1]);
    return [a, 0];
  }
  const nd = shapeOf(a).length;
  if (nd === 0) a = reshape(a, [1]);
  return [a, normalizeAxis(o.axis, Math.max(nd, 1), op)];
}

/**
 * `np.cumsum(x, axis?)` or `np.cumsum(x, {axis, dtype})`: running sums along `axis` (without
 * an axis, over the flattened array). bool and int32 accumulate in int32.
 */
export function cumsum(x: ArrayLike, axis?: number | null | CumulativeOptions): Tensor {
  const [a, ax] = cumulativeArgs(x, axis, "cumsum");
  return bind1(cumsumPrim, a, { axis: ax, reverse: false });
}

/**
 * `np.cumprod(x, axis?)` or `np.cumprod(x, {axis, dtype})`: running products, differentiable
 * to any order, zeros included.
 */
export function cumprod(x: ArrayLike, axis?: number | null | CumulativeOptions): Tensor {
  const [a, ax] = cumulativeArgs(x, axis, "cumprod");
  return bind1(cumprodPrim, a, { axis: ax, reverse: false });
}

