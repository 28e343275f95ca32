import { Tensor, fromBuffer, viewOf } from "../tensor/tensor.js";
import { placeStrided } from "../kernels/gather.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, TypedArray, allocArray } from "../tensor/dtype.js";
import { normalizeAxis, shapeSize } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Primitive, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { sum } from "./reduce.js";
import { broadcastTo } from "./shape.js";
import { astype } from "./cast.js";

/** A diagonal: `offset` > 0 is above the main one (along axis2), < 0 below; axes non-negative and distinct. */
interface DiagParams {
  offset: number;
  axis1: number;
  axis2: number;
}
/** The inverse embedding also needs the two sizes of the matrix axes it creates. */
interface EmbedParams extends DiagParams {
  n1: number;
  n2: number;
}

function diagLength(n1: number, n2: number, offset: number): number {
  return Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
}

/** The diagonal as a view: the two axes are replaced by one trailing axis of stride s1 + s2. */
function diagonalView(x: Tensor, p: DiagParams): Tensor {
  const len = diagLength(x.shape[p.axis1], x.shape[p.axis2], p.offset);
  const shape: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < x.ndim; i++)
    if (i !== p.axis1 && i !== p.axis2) {
      shape.push(x.shape[i]);
      strides.push(x.strides[i]);
    }
  shape.push(len);
  strides.push(x.strides[p.axis1] + x.strides[p.axis2]);
  const start = len === 0 ? 0 : p.offset >= 0 ? p.offset * x.strides[p.axis2] : -p.offset * x.strides[p.axis1];
  return viewOf(x, shape, strides, x.offset + start);
}

function embedImpl(x: Tensor, p: EmbedParams): Tensor {
  const rest = x.shape.slice(0, -1);
  const nd = rest.length + 2;
  const outShape: number[] = [];
  for (let i = 0, r = 0; i < nd; i++) outShape.push(i === p.axis1 ? p.n1 : i === p.axis2 ? p.n2 : rest[r++]);
  const buf = allocArray(x.dtype, shapeSize(outShape));
  const out = fromBuffer(buf, outShape, x.dtype);
  const target = diagonalView(out, p);
  placeStrided(x.contiguousData(false), target.shape, target.strides, buf, target.offset);
  return out;
}

const diagonalPrim: Primitive<DiagParams> = definePrimitive<DiagParams>({
  name: "diagonal",
  impl: (args, p) => diagonalView(toTensor(args[0]), p),
  vjp: (g, _ans, args, p) => {
    const s = shapeOf(args[0]);
    return embedDiagonal(g, { ...p, n1: s[p.axis1], n2: s[p.axis2] });
  },
  jvp: (t, _ans, _args, p) => bind1(diagonalPrim, t, p),
});

const embedPrim = definePrimitive<EmbedParams>({
  name: "make_diagonal",
  impl: (args, p) => embedImpl(toTensor(args[0]), p),
  vjp: (g, _ans, _args, p) => bind1(diagonalPrim, g, { offset: p.offset, axis1: p.axis1, axis2: p.axis2 }),
  jvp: (t, _ans, _args, p) => embedDiagonal(t, p),
});

function embedDiagonal(x: Tensor, p: EmbedParams): Tensor {
  return bind1(embedPrim, x, p);
}

function readOffset(v: unknown, op: string, name: string): number {
  const o = v ?? 0;
  if (typeof o !== "number" || !Number.isInteger(o)) throw new ArgumentError(`${op}: ${name} must be an integer, got ${String(o)}`);
  return o;
}

function diagAxes(ndim: number, axis1: number, axis2: number, op: string): [number, number] {
  if (ndim < 2) throw new ShapeError(`${op}: needs an array of at least 2 dimensions, got ${ndim}`);
  const a1 = normalizeAxis(axis1, ndim, op);
  const a2 = normalizeAxis(axis2, ndim, op);
  if (a1 === a2) throw new ShapeError(`${op}: axis1 and axis2 cannot be the same (both are axis ${a1})`);
  return [a1, a2];
}

export interface DiagonalOptions {
  offset?: number;
  axis1?: number;
  axis2?: number;
}

/**
 * `np.diagonal(x, offset = 0, axis1 = 0, axis2 = 1)` (or `{offset, axis1, axis2}`): a view with
 * the two axes removed and the diagonal appended as the last axis.
 */
export function diagonal(x: ArrayLike, offset?: number | DiagonalOptions, axis1?: number, axis2?: number): Tensor {
  const o: DiagonalOptions = typeof offset === "object" && offset !== null ? offset : { offset, axis1, axis2 };
  const a = toArg(x);
  const [a1, a2] = diagAxes(shapeOf(a).length, o.axis1 ?? 0, o.axis2 ?? 1, "diagonal");
  return bind1(diagonalPrim, a, { offset: readOffset(o.offset, "diagonal", "offset"), axis1: a1, axis2: a2 });
}

export interface TraceOptions extends DiagonalOptions {
  /** Sum in this dtype (NumPy's `dtype=`). */
  dtype?: DType;
}

/** `np.trace(x, offset = 0, axis1 = 0, axis2 = 1)` (or `{offset, axis1, axis2, dtype}`): the sum of a diagonal. */
export function trace(x: ArrayLike, offset?: number | TraceOptions, axis1?: number, axis2?: number): Tensor {
  const o: TraceOptions = typeof offset === "object" && offset !== null ? offset : { offset, axis1, axis2 };
  const a = toArg(x);
  const [a1, a2] = diagAxes(shapeOf(a).length, o.axis1 ?? 0, o.axis2 ?? 1, "trace");
  let d = bind1(diagonalPrim, a, { offset: readOffset(o.offset, "trace", "offset"), axis1: a1, axis2: a2 });
  if (o.dtype !== undefined && d.dtype !== o.dtype) d = astype(d, o.dtype);
  return sum(d, -1);
}

/**
 * autograd's `make_diagonal(D, offset = 0, axis1 = -1, axis2 = -2)`: a new array with D's last
 * axis on the given diagonal of two new square axes (axes counted in the output), zeros elsewhere:
 * the inverse of `np.diagonal(result, offset, axis1, axis2)`, which gives D back.
 */
export function makeDiagonal(x: ArrayLike, offset?: number | DiagonalOptions, axis1?: number, axis2?: number): Tensor {
  const o: DiagonalOptions = typeof offset === "object" && offset !== null ? offset : { offset, axis1, axis2 };
  const t = toTensor(toArg(x));
  if (t.ndim < 1) throw new ShapeError("makeDiagonal: needs an array of at least 1 dimension (its last axis goes on the diagonal), got a 0-d array");
  const off = readOffset(o.offset, "makeDiagonal", "offset");
  const [a1, a2] = diagAxes(t.ndim + 1, o.axis1 ?? -1, o.axis2 ?? -2, "makeDiagonal");
  const len = t.shape[t.ndim - 1];
  // Square, as np.diag: the diagonal at `offset` of an n x n matrix has exactly len elements.
  const n = len + Math.abs(off);
  return embedDiagonal(t, { offset: off, axis1: a1, axis2: a2, n1: n, n2: n });
}

/** `np.diag(v, k = 0)` (or `{k}`): a 1-D `v` becomes a matrix with `v` on diagonal k; a 2-D `v` gives its k-th diagonal. */
export function diag(v: ArrayLike, k?: number | { k?: number }): Tensor {
  const kk = readOffset(typeof k === "object" && k !== null ? k.k : k, "diag", "k");
  const t = toTensor(toArg(v));
  if (t.ndim === 1) return makeDiagonal(t, { offset: kk, axis1: 0, axis2: 1 });
  if (t.ndim === 2) return diagonal(t, { offset: kk, axis1: 0, axis2: 1 });
  throw new ShapeError(`diag: input must be 1-d or 2-d, got shape ${fmtShape(t.shape)} (use np.diagonal for stacks of matrices)`);
}

/** Zeroes the triangle outside `j - i >= k` (upper) or `j - i <= k` (lower) of every matrix in the last two axes. */
function triangleImpl(x: Tensor, k: number, upper: boolean): Tensor {
  const buf = x.contiguousData(true);
  const nd = x.ndim;
  const rows = x.shape[nd - 2];
  const cols = x.shape[nd - 1];
  const mats = rows * cols === 0 ? 0 : x.size / (rows * cols);
  for (let m = 0, base = 0; m < mats; m++, base += rows * cols)
    for (let i = 0; i < rows; i++) {
      const row = base + i * cols;
      // Zero the run of columns outside the kept band: [0, i+k) for triu, (i+k, cols) for tril.
      const lo = upper ? 0 : Math.max(0, Math.min(cols, i + k + 1));
      const hi = upper ? Math.max(0, Math.min(cols, i + k)) : cols;
      for (let j = lo; j < hi; j++) buf[row + j] = 0;
    }
  return fromBuffer(buf, x.shape.slice(), x.dtype);
}

const triuPrim: Primitive<{ k: number }> = definePrimitive<{ k: number }>({
  name: "triu",
  impl: (args, p) => triangleImpl(toTensor(args[0]), p.k, true),
  vjp: (g, _ans, _args, p) => bind1(triuPrim, g, p),
  jvp: (t, _ans, _args, p) => bind1(triuPrim, t, p),
});

const trilPrim: Primitive<{ k: number }> = definePrimitive<{ k: number }>({
  name: "tril",
  impl: (args, p) => triangleImpl(toTensor(args[0]), p.k, false),
  vjp: (g, _ans, _args, p) => bind1(trilPrim, g, p),
  jvp: (t, _ans, _args, p) => bind1(trilPrim, t, p),
});

function triangle(x: ArrayLike, k: number | { k?: number } | undefined, upper: boolean): Tensor {
  const op = upper ? "triu" : "tril";
  const kk = readOffset(typeof k === "object" && k !== null ? k.k : k, op, "k");
  let a = toTensor(toArg(x));
  if (a.ndim === 0) throw new ShapeError(`${op}: needs an array of at least 1 dimension, got a 0-d array`);
  // As NumPy: a 1-D input is the row of a square matrix, repeated.
  if (a.ndim === 1) a = broadcastTo(a, [a.shape[0], a.shape[0]]);
  return bind1(upper ? triuPrim : trilPrim, a, { k: kk });
}

/** `np.triu(x, k = 0)` (or `{k}`): zeros below diagonal k of the last two axes. */
export function triu(x: ArrayLike, k?: number | { k?: number }): Tensor {
  return triangle(x, k, true);
}

/** `np.tril(x, k = 0)` (or `{k}`): zeros above diagonal k of the last two axes. */
export function tril(x: ArrayLike, k?: number | { k?: number }): Tensor {
  return triangle(x, k, false);
}
