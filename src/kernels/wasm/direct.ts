// One product C = A · B in the library's Wasm memory with the operands written there by their
// owner and the result read there by its consumer: no staging copy on either side. The input
// gradient of a convolution uses it (../conv-direct.ts): the output gradient is gathered straight
// to where the driver reads it and col2im reads the product's columns in place. `gemmWasm`
// (./gemm.ts) stays the path for operands that already live in JS arrays, where a copy in is the
// cheapest way to get them there (the copies it makes are then memcpys, not element loops).
import { gemmDriver, wasmAvailable, type WasmFloat } from "./loader.js";
import { heapF32, heapF64, reserve } from "./arena.js";
import { BLOCKS, MR, NR, WORKING_SET_BYTES, align, roundUp, swapPays } from "./blocking.js";
import { gemmThreadHook } from "../threads/hook.js";

/** An operand written into the Wasm memory by its owner: its strides there, and how to write it. */
export interface DirectOperand {
  /** Element strides of the operand as `write` lays it out (either may be the unit one). */
  rowStride: number;
  colStride: number;
  /** Elements `write` fills from its start (the reserved room). */
  size: number;
  /** Writes the operand's values at element `at` of `heap`. */
  write(heap: Float32Array | Float64Array, at: number): void;
}

/** Where the product sits: C(i, j) is `heap[at + i*rowStride + j*colStride]`, valid during `read`. */
export interface DirectResult {
  heap: Float32Array | Float64Array;
  at: number;
  rowStride: number;
  colStride: number;
}

let products = 0;

/** How many products `gemmDirect` has run (for tests: which path a kernel took). */
export function directProductCount(): number {
  return products;
}

/** The element type of the Wasm heap a typed array's values can be written to, or null. */
export function directKind(data: ArrayLike<number>): WasmFloat | null {
  return data instanceof Float32Array ? "f32" : data instanceof Float64Array ? "f64" : null;
}

/**
 * Whether `gemmDirect` will take a product of this element type: Wasm SIMD on and no worker pool
 * installed (the threaded GEMM splits products across workers from JS arrays, so with a pool the
 * callers keep their staged path and its threads).
 */
export function directAvailable(t: WasmFloat | null): t is WasmFloat {
  return t !== null && wasmAvailable() && gemmThreadHook() === null && gemmDriver(t) !== null;
}

/**
 * Elements of operands a direct product may hold in the Wasm memory: callers size their chunks
 * by it so the memory (which never shrinks) stays near the one-thread GEMM's working set.
 */
export function directBudget(t: WasmFloat): number {
  return WORKING_SET_BYTES / (t === "f32" ? 4 : 8);
}

/**
 * C = A · B (A m x k, B k x n) with A and B written into the Wasm memory by their `write` and C
 * handed to `read` there (row-major with a padded pitch, or column-major when the transposed
 * product wastes less; `opts.rowMajor` forbids that). Returns false, having called neither, when
 * `directAvailable` says no, the problem is empty, or the memory cannot be had; the caller then
 * takes its staged path.
 * `read` must copy what it needs: the memory is reused by the next kernel.
 */
export function gemmDirect(
  t: WasmFloat, m: number, n: number, k: number, a: DirectOperand, b: DirectOperand, read: (c: DirectResult) => void,
  opts: { rowMajor?: boolean } = {},
): boolean {
  if (m === 0 || n === 0 || k === 0 || !directAvailable(t)) return false;
  const run = gemmDriver(t);
  if (run === null) return false;
  const E = t === "f32" ? 4 : 8, nr = NR[t], blk = BLOCKS[t];
  // Transposing the whole product swaps the operands' roles and strides, not their memory;
  // `rowMajor` keeps C's rows contiguous for a reader that needs them so (col2im).
  const swap = opts.rowMajor !== true && swapPays(t, m, n);
  const [M, N] = swap ? [n, m] : [m, n];
  const [first, second] = swap ? [b, a] : [a, b];
  const [ars, acs] = swap ? [b.colStride, b.rowStride] : [a.rowStride, a.colStride];
  const [brs, bcs] = swap ? [a.colStride, a.rowStride] : [b.rowStride, b.colStride];
  const mp = roundUp(M, MR), ldc = roundUp(N, nr);
  const mc = Math.min(blk.MC, mp), kc = Math.min(blk.KC, k), nc = Math.min(blk.NC, ldc);
  const packB = align(mc * kc, E), aAt = packB + align(kc * nc, E);
  const bAt = aAt + align(first.size, E), cAt = bAt + align(second.size, E);
  if (!reserve((cAt + mp * ldc) * E)) return false;
  const heap = t === "f32" ? heapF32() : heapF64();
  first.write(heap, aAt);
  second.write(heap, bAt);
  run(1, M, N, k, aAt * E, 0, ars, acs, bAt * E, 0, brs, bcs, cAt * E, 0, ldc, 0, packB * E, blk.MC, blk.KC, blk.NC);
  products++;
  read(swap ? { heap, at: cAt, rowStride: 1, colStride: ldc } : { heap, at: cAt, rowStride: ldc, colStride: 1 });
  return true;
}

/** A contiguous row-major rows x cols matrix at `offset` of `data`, written with one copy. */
export function denseOperand(data: Float32Array | Float64Array, offset: number, rows: number, cols: number, transposed = false): DirectOperand {
  const size = rows * cols;
  return {
    // Stored row-major as given; `transposed` reads it as its transpose (cols x rows).
    rowStride: transposed ? 1 : cols,
    colStride: transposed ? cols : 1,
    size,
    write: (heap, at) => {
      if (size < 64) for (let i = 0; i < size; i++) heap[at + i] = data[offset + i];
      else heap.set(data.subarray(offset, offset + size), at);
    },
  };
}
