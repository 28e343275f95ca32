import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike, fromNested } from "../tensor/create.js";
import { DType } from "../tensor/dtype.js";
import { full, zeros, ones, zerosLike, onesLike, fullLike } from "../ops/fill.js";

export { full, zeros, ones, zerosLike, onesLike, fullLike };

export interface ArrayOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

/**
 * `np.array(data, dtype?)` or `np.array(data, {dtype, requiresGrad})`: a new tensor from nested
 * arrays, numbers, booleans, typed arrays or tensors. Numbers give float64.
 */
export function array(data: ArrayLike, dtype?: DType | ArrayOptions): Tensor {
  const o: ArrayOptions = typeof dtype === "string" ? { dtype } : dtype ?? {};
  if (data instanceof Tensor) {
    const c = o.dtype !== undefined && o.dtype !== data.dtype ? data.astype(o.dtype) : data;
    if (c.trace !== null || c !== data) return c;
    return fromBuffer(data.toTypedArray(), data.shape.slice(), data.dtype);
  }
  return fromNested(data, o.dtype);
}

/** `np.asarray(data, dtype?)`: like array, without copying a tensor that already fits. */
export function asarray(data: ArrayLike, dtype?: DType): Tensor {
  if (data instanceof Tensor && (dtype === undefined || data.dtype === dtype)) return data;
  return array(data, dtype);
}
