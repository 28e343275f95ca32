// The output array of a primitive's `implInto` (core/primitive.ts): the caller's buffer when it
// can take the result, else a fresh one as `impl` would make. jit hands such buffers to values
// that never reach its caller and reuses them from call to call.
import type { Arg } from "../core/primitive.js";
import { DType, TypedArray, allocArray } from "../tensor/dtype.js";

const KINDS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array } as const;

/**
 * `into` when it is exactly the storage of `n` elements of `dtype` and no tensor in `args` reads
 * it (a kernel writing its output while reading an operand of the same storage would read what
 * it wrote), else a fresh zeroed array. Kernels that accumulate into their output must check
 * which they got and clear a reused one.
 */
export function outputArray(into: TypedArray | null, dtype: DType, n: number, args: readonly Arg[]): TypedArray {
  if (into === null || into.length !== n || !(into instanceof KINDS[dtype])) return allocArray(dtype, n);
  for (const a of args) if (typeof a !== "number" && a.data !== null && a.data.buffer === into.buffer) return allocArray(dtype, n);
  return into;
}
