import { Tensor, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray, castValue, isDType } from "../tensor/dtype.js";
import { broadcastShapes, shapeSize, shapesEqual } from "../tensor/shape.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { Arg } from "../core/primitive.js";
import { dtypeOf, shapeOf, toArg } from "./args.js";
import { astype } from "./cast.js";
import { broadcastTo } from "./shape.js";

/** A shape as NumPy takes it: one integer or a sequence of them. */
export type ShapeLike = number | readonly number[];

/** The dtype argument of the creation functions: positional, or NumPy's `dtype=` keyword. */
export type DTypeArg = DType | { dtype?: DType } | undefined;

/** Validates a shape argument; `op` names the function in the error. */
export function readShape(shape: ShapeLike, op: string): number[] {
  const s = typeof shape === "number" ? [shape] : Array.isArray(shape) ? Array.from(shape as readonly number[]) : null;
  if (s === null)
    throw new ArgumentError(`${op}: the shape must be an integer or an array of integers, got ${typeof shape}`);
  for (const d of s)
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0)
      throw new ArgumentError(
        `${op}: invalid shape ${JSON.stringify(shape)}; dimensions must be non-negative integers`,
      );
  return s;
}

/** Reads a positional-or-keyword dtype, checking it names a dtype chainrule has. */
export function readDtype(d: DTypeArg | null, op: string): DType | undefined {
  const v = d !== null && typeof d === "object" ? d.dtype : d ?? undefined;
  if (v !== undefined && !isDType(v))
    throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(v)}; use float64, float32, int32 or bool`);
  return v;
}

/** A constant-filled tensor: the fast path of `full` (no tracing, nothing to differentiate). */
function filled(s: number[], value: number, dt: DType): Tensor {
  if (s.length === 0) return scalarTensor(value, dt);
  const buf = allocArray(dt, shapeSize(s));
  const cv = castValue(value, dt);
  if (cv !== 0) buf.fill(cv);
  return fromBuffer(buf, s, dt);
}

/**
 * `np.full(shape, fillValue, dtype?)`. The fill value may be a number, a boolean, or an array
 * broadcastable to `shape`; the dtype defaults to the fill value's (float64 for a number).
 * A traced fill value makes the result differentiable in it (the gradient sums over the copies).
 */
export function full(shape: ShapeLike, fillValue: ArrayLike, dtype?: DTypeArg): Tensor {
  const s = readShape(shape, "full");
  const dt0 = readDtype(dtype, "full");
  if (typeof fillValue === "number") return filled(s, fillValue, dt0 ?? "float64");
  if (typeof fillValue === "boolean") return filled(s, fillValue ? 1 : 0, dt0 ?? "bool");
  const v = toArg(fillValue) as Tensor;
  const dt = dt0 ?? v.dtype;
  const out = broadcastShapes(v.shape, s, "full");
  if (!shapesEqual(out, s))
    throw new ShapeError(`full: the fill value of shape ${fmtShape(v.shape)} cannot be broadcast to the shape ${fmtShape(s)}`);
  if (v.trace === null && v.shape.length === 0) return filled(s, v.scalar, dt);
  const b = broadcastTo(astype(v, dt), s);
  if (b.trace !== null) return b;
  // A concrete result owns its storage, as NumPy's does, rather than being a stride-0 view.
  return fromBuffer(b.contiguousData(true), s, dt);
}

export function zeros(shape: ShapeLike, dtype?: DTypeArg): Tensor {
  return filled(readShape(shape, "zeros"), 0, readDtype(dtype, "zeros") ?? "float64");
}

export function ones(shape: ShapeLike, dtype?: DTypeArg): Tensor {
  return filled(readShape(shape, "ones"), 1, readDtype(dtype, "ones") ?? "float64");
}

/** `np.empty(shape, dtype?)`: chainrule has no uninitialized memory, so this is zeros. */
export function empty(shape: ShapeLike, dtype?: DTypeArg): Tensor {
  return filled(readShape(shape, "empty"), 0, readDtype(dtype, "empty") ?? "float64");
}

/** Options of the *Like functions: NumPy's `dtype` and `shape` overrides. */
export interface LikeOptions {
  dtype?: DType;
  shape?: ShapeLike;
}

function likeShape(a: Arg, o: DType | LikeOptions | undefined, op: string): number[] {
  const s = o !== null && typeof o === "object" ? o.shape : undefined;
  return s === undefined ? shapeOf(a) : readShape(s, op);
}

// The *Like functions read only the shape and dtype of `x`: the result is a constant even
// when `x` is traced (its derivative with respect to x is zero, as in autograd).

/** `np.zerosLike(x, dtype? | {dtype, shape})`. */
export function zerosLike(x: ArrayLike, dtype?: DType | LikeOptions): Tensor {
  const a = toArg(x);
  return filled(likeShape(a, dtype, "zerosLike"), 0, readDtype(dtype, "zerosLike") ?? dtypeOf(a));
}

/** `np.onesLike(x, dtype? | {dtype, shape})`. */
export function onesLike(x: ArrayLike, dtype?: DType | LikeOptions): Tensor {
  const a = toArg(x);
  return filled(likeShape(a, dtype, "onesLike"), 1, readDtype(dtype, "onesLike") ?? dtypeOf(a));
}

/** `np.emptyLike(x, dtype? | {dtype, shape})`: zeros (chainrule has no uninitialized memory). */
export function emptyLike(x: ArrayLike, dtype?: DType | LikeOptions): Tensor {
  const a = toArg(x);
  return filled(likeShape(a, dtype, "emptyLike"), 0, readDtype(dtype, "emptyLike") ?? dtypeOf(a));
}

/**
 * `np.fullLike(x, fillValue, dtype? | {dtype, shape})`: x's shape and dtype (the fill value is
 * cast to it, so an int32 x truncates 7.9 to 7, as NumPy). Differentiable in a traced fill
 * value, not in x.
 */
export function fullLike(x: ArrayLike, fillValue: ArrayLike, dtype?: DType | LikeOptions): Tensor {
  const a = toArg(x);
  return full(likeShape(a, dtype, "fullLike"), fillValue, readDtype(dtype, "fullLike") ?? dtypeOf(a));
}
