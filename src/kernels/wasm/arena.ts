// The library's one WebAssembly memory. Kernels copy operands in, run, and copy results out, so
// users never allocate or free Wasm memory. It grows to the largest working set asked for and is
// then reused (Wasm memory cannot shrink), so repeated calls of the same sizes keep it flat.

const PAGE = 65536;
/** Working sets above this go to the JS kernels instead of growing the memory further. */
export const MAX_WASM_BYTES = 1 << 30;

let memory: WebAssembly.Memory | null = null;
let f32: Float32Array | null = null;
let f64: Float64Array | null = null;

export function wasmMemory(): WebAssembly.Memory {
  if (memory === null) memory = new WebAssembly.Memory({ initial: 16 });
  return memory;
}

/**
 * Makes the memory at least `bytes` long; false when that is over MAX_WASM_BYTES or the runtime
 * refuses to grow (the caller then falls back to JS).
 */
export function reserve(bytes: number): boolean {
  const mem = wasmMemory();
  const have = mem.buffer.byteLength;
  if (bytes <= have) return true;
  if (bytes > MAX_WASM_BYTES) return false;
  // Grow geometrically so a slowly rising size does not grow (and copy) on every call.
  const want = Math.min(MAX_WASM_BYTES, Math.max(bytes, have * 1.5));
  try {
    mem.grow(Math.ceil((want - have) / PAGE));
  } catch {
    try {
      mem.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return false;
    }
  }
  return true;
}

/** A Float32Array over the whole memory (re-made after a grow detaches the old buffer). */
export function heapF32(): Float32Array {
  const buf = wasmMemory().buffer;
  if (f32 === null || f32.buffer !== buf) f32 = new Float32Array(buf);
  return f32;
}

/** A Float64Array over the whole memory (re-made after a grow detaches the old buffer). */
export function heapF64(): Float64Array {
  const buf = wasmMemory().buffer;
  if (f64 === null || f64.buffer !== buf) f64 = new Float64Array(buf);
  return f64;
}
