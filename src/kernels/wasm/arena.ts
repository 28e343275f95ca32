// The library's one WebAssembly memory. Kernels copy operands in, run, and copy results out, so
// users never allocate or free Wasm memory. It grows to the largest working set asked for and is
// then reused (Wasm memory cannot shrink); kernels cap their working set (gemm.ts cuts big
// products into blocks), so it stays bounded whatever the problem sizes, and flat across calls.
// Only `reserve` grows it (the Wasm code never does), so the typed-array views over it are
// re-made there and nowhere else: reading `memory.buffer` on every call costs more than small
// products do.

const PAGE = 65536;
/** Working sets above this go to the JS kernels instead of growing the memory further. */
export const MAX_WASM_BYTES = 1 << 30;

let memory: WebAssembly.Memory | null = null;
let capacity = 0;
let f32 = new Float32Array(0);
let f64 = new Float64Array(0);

export function wasmMemory(): WebAssembly.Memory {
  if (memory === null) {
    memory = new WebAssembly.Memory({ initial: 16 });
    refresh(memory);
  }
  return memory;
}

function refresh(mem: WebAssembly.Memory): void {
  const buf = mem.buffer;
  capacity = buf.byteLength;
  f32 = new Float32Array(buf);
  f64 = new Float64Array(buf);
}

/**
 * Makes the memory at least `bytes` long; false when that is over MAX_WASM_BYTES or the runtime
 * refuses to grow (the caller then falls back to JS).
 */
export function reserve(bytes: number): boolean {
  if (bytes <= capacity) return true;
  const mem = wasmMemory();
  if (bytes <= capacity) return true;
  if (bytes > MAX_WASM_BYTES) return false;
  // 64-bit engines reserve the whole address range up front, so a grow commits pages in place
  // instead of copying: growing exactly to the request is cheap and keeps the footprint tight.
  try {
    mem.grow(Math.ceil((bytes - capacity) / PAGE));
  } catch {
    return false;
  }
  refresh(mem);
  return true;
}

/** Bytes of Wasm memory held now (0 before any kernel used it): for memory-flatness checks. */
export function wasmMemoryBytes(): number {
  return memory === null ? 0 : memory.buffer.byteLength;
}

/** A Float32Array over the whole memory, valid until the next `reserve`. */
export function heapF32(): Float32Array {
  return f32;
}

/** A Float64Array over the whole memory, valid until the next `reserve`. */
export function heapF64(): Float64Array {
  return f64;
}
