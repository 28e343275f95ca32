import { Tensor } from "../tensor/tensor.js";
import { ArrayLike, fromNested } from "../tensor/create.js";
import { DType } from "../tensor/dtype.js";
import { ArgumentError } from "../errors.js";
import { requiresGradLeaf } from "../core/imperative.js";
import { full, zeros, ones, empty, zerosLike, onesLike, fullLike, emptyLike, readDtype } from "../ops/fill.js";
import type { ShapeLike, DTypeArg, LikeOptions } from "../ops/fill.js";
import { arange, linspace } from "../ops/create-range.js";
import type { LinspaceOptions } from "../ops/create-range.js";
import { eye, identity } from "../ops/create-eye.js";
import type { EyeOptions } from "../ops/create-eye.js";
import { logspace, geomspace } from "./create-space.js";
import type { LogspaceOptions, GeomspaceOptions } from "./create-space.js";
import { copy } from "../ops/misc.js";
import { astype } from "../ops/cast.js";
import { stack } from "../ops/join.js";
import { reshape } from "../ops/shape.js";
// NumPy-style String(x) and console.log(x) for every tensor.
import "../tensor/print.js";

export { full, zeros, ones, empty, zerosLike, onesLike, fullLike, emptyLike, arange, linspace, logspace, geomspace, eye, identity };
export type { ShapeLike, DTypeArg, LikeOptions, LinspaceOptions, LogspaceOptions, GeomspaceOptions, EyeOptions };

export interface ArrayOptions {
  dtype?: DType;
  /** Make a leaf of the imperative path: operations on it are recorded for `backward()`. */
  requiresGrad?: boolean;
  /** Prepend size-1 axes until the result has at least this many. */
  ndmin?: number;
}

/** Whether nested data holds a tensor somewhere (then the result is built by stacking, differentiably). */
function hasTensor(d: unknown): boolean {
  if (d instanceof Tensor) return true;
  if (!Array.isArray(d)) return false;
  for (const e of d) if (hasTensor(e)) return true;
  return false;
}

/**
 * Nested data with tensors inside (maybe traced): stack the rows so the result is differentiable
 * in them. Sub-lists without tensors are built directly, which keeps big constant parts cheap.
 */
function stackNested(d: unknown): Tensor {
  if (d instanceof Tensor) return d;
  if (!Array.isArray(d) || !hasTensor(d)) return fromNested(d);
  if (d.length === 0) return fromNested(d);
  return stack(d.map(stackNested));
}

/**
 * `np.array(data, dtype?)` or `np.array(data, {dtype, requiresGrad, ndmin})`: a new tensor from
 * nested arrays, numbers, booleans, typed arrays or tensors. Numbers give float64 (chainrule's
 * default dtype; NumPy would give int64 for integers), booleans bool, typed arrays their own
 * dtype. Lists that contain traced tensors give a tensor differentiable in them.
 */
export function array(data: ArrayLike, dtype?: DType | ArrayOptions): Tensor {
  const o: ArrayOptions = typeof dtype === "string" ? { dtype } : dtype ?? {};
  const dt = readDtype(o.dtype, "array");
  let t: Tensor;
  if (data instanceof Tensor) t = dt !== undefined && dt !== data.dtype ? astype(data, dt) : copy(data);
  else if (hasTensor(data)) {
    t = stackNested(data);
    if (dt !== undefined && dt !== t.dtype) t = astype(t, dt);
  } else t = fromNested(data, dt);
  if (o.ndmin !== undefined) {
    if (!Number.isInteger(o.ndmin) || o.ndmin < 0) throw new ArgumentError(`array: ndmin must be a non-negative integer, got ${o.ndmin}`);
    if (t.ndim < o.ndmin) t = reshape(t, [...new Array<number>(o.ndmin - t.ndim).fill(1), ...t.shape]);
  }
  return o.requiresGrad ? requiresGradLeaf(t) : t;
}

/** `np.asarray(data, dtype?)`: like `array`, but a tensor that already has the dtype is returned as is. */
export function asarray(data: ArrayLike, dtype?: DTypeArg): Tensor {
  const dt = readDtype(dtype, "asarray");
  if (data instanceof Tensor) return dt === undefined || data.dtype === dt ? data : astype(data, dt);
  return array(data, dt);
}
