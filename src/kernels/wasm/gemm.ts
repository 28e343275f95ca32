// The JS-facing WebAssembly GEMM: same signature and semantics as `gemm` in ../gemm.ts (batched,
// any strides, C overwritten), running the Wasm SIMD kernels for float32 and float64 and the JS
// kernel for everything else (int32, mixed element types, no SIMD, switched off). Operands are
// copied into the library's Wasm memory (O(n^2) copies against O(n^3) work), the driver packs
// and multiplies, and C is copied out; batches go through in chunks so the memory stays bounded.
import { gemm as gemmJs, type MatView } from "../gemm.js";
import { gemmDriver, wasmAvailable, type GemmDriver, type WasmFloat } from "./loader.js";
import { heapF32, heapF64, reserve } from "./arena.js";
import { spanOf, stage, type Span } from "./stage.js";
import { gemmThreadHook } from "../threads/hook.js";
import { gemmRankOne, rankOneShape } from "./rank-one.js";
import { BLOCKS, MR, NR, WORKING_SET_BYTES, align, floatKind, roundUp, swapPays } from "./blocking.js";

/**
 * Below about this many multiply-adds the fixed cost of a Wasm call (about 0.3 µs: copies,
 * packing, padding to the 4 x 8 tile) exceeds the JS kernel's time; measured crossover near 4^3.
 */
const WASM_MIN_WORK = 128;

/**
 * C[t] = A[t] · B[t] for t < batch, with A[t] m x k, B[t] k x n and C[t] m x n (C overwritten);
 * element (t, i, j) of a view is `data[offset + t*batchStride + i*rowStride + j*colStride]`.
 * With a, b and c all Float32Array (or all Float64Array) it runs the Wasm SIMD kernel, which
 * accumulates in the storage type as BLAS does; otherwise, or without Wasm SIMD, the JS `gemm`.
 */
export function gemmWasm(batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): void {
  if (batch === 0 || m === 0 || n === 0) return;
  const t = k > 0 ? floatKind(a, b, c) : null;
  const run = t === null ? null : gemmDriver(t);
  if (run === null || t === null) gemmJs(batch, m, n, k, a, b, c);
  // A skinny product (n = 9 of a 3x3 weight gradient, n = 10 logits, a matrix-vector product)
  // runs as Cᵀ = Bᵀ · Aᵀ when that pads the tile less: the views' strides swap, nothing is copied.
  else if (swapPays(t, m, n)) {
    if (!runBlocked(run, t, batch, n, m, k, transposed(b), transposed(a), transposed(c))) gemmJs(batch, m, n, k, a, b, c);
  } else if (!runBlocked(run, t, batch, m, n, k, a, b, c)) gemmJs(batch, m, n, k, a, b, c);
}

/** The same matrices read transposed (rows and columns exchanged, batches kept). */
const transposed = (v: MatView): MatView => ({ data: v.data, offset: v.offset, batchStride: v.batchStride, rowStride: v.colStride, colStride: v.rowStride });

/**
 * Whether `gemmWasm` is worth calling instead of the JS `gemm` for this problem: Wasm SIMD is
 * available and on, the element type is float32/float64, and the product is big enough.
 */
export function wasmGemmPreferred(m: number, n: number, k: number, data: MatView["data"]): boolean {
  return (data instanceof Float32Array || data instanceof Float64Array) && m * n * k >= WASM_MIN_WORK && wasmAvailable();
}

/**
 * `gemm` with the dispatch done: an outer product when an operand is constant along k
 * (./rank-one.ts), else the Wasm kernel when `wasmGemmPreferred` says so, else the JS one. Same
 * signature and semantics as both, so callers can swap it in for `gemm` as is.
 */
export function gemmBest(batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): void {
  if (batch > 0 && m * n * k >= WASM_MIN_WORK && rankOneShape(k, a, b, c)) {
    // An operand constant along k (a broadcast cotangent): an outer product, no GEMM at all.
    const done = gemmRankOne(batch, m, n, k, a, b, c);
    if (done === batch) return;
    // Non-finite values from batch `done` on: the full product gives IEEE's answer for those.
    const skip = (v: MatView) => ({ ...v, offset: v.offset + done * v.batchStride });
    [batch, a, b, c] = [batch - done, skip(a), skip(b), skip(c)];
  }
  if (wasmGemmPreferred(m, n, k, c.data)) {
    // Worker threads, when started (src/kernels/threads/), take the products big enough for them.
    const threaded = gemmThreadHook();
    if (threaded === null || !threaded(batch, m, n, k, a, b, c)) gemmWasm(batch, m, n, k, a, b, c);
  } else gemmJs(batch, m, n, k, a, b, c);
}


/**
 * Runs the product in one staged pass when it fits the working set, else block by block of C
 * (columns first when B alone is too big, then rows). False, with nothing written, when k is too
 * long for any block to fit or the Wasm memory cannot be had (the first block is the largest, so
 * later ones cannot fail).
 */
function runBlocked(run: GemmDriver, t: WasmFloat, batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): boolean {
  const E = t === "f32" ? 4 : 8, nr = NR[t];
  const budget = WORKING_SET_BYTES / E;
  // Inner products so long that even one MR x NR block overflows the budget are memory-bound
  // dot products: the JS kernel does them without staging anything.
  if (k * (MR + nr) > budget) return false;
  let nb = n, mb = m;
  if (k * n > budget / 2) nb = Math.min(n, Math.max(nr, Math.floor(budget / 2 / k / nr) * nr));
  const rest = budget - k * nb, perRow = k + roundUp(nb, nr);
  if (m * perRow > rest) mb = Math.min(m, Math.max(MR, Math.floor(rest / perRow / MR) * MR));
  if (mb === m && nb === n) return runWasm(run, t, batch, m, n, k, a, b, c);
  for (let u = 0; u < batch; u++) {
    const ab = a.offset + u * a.batchStride, bb = b.offset + u * b.batchStride, cb = c.offset + u * c.batchStride;
    for (let j0 = 0; j0 < n; j0 += nb)
      for (let i0 = 0; i0 < m; i0 += mb) {
        const av = { ...a, offset: ab + i0 * a.rowStride, batchStride: 0 };
        const bv = { ...b, offset: bb + j0 * b.colStride, batchStride: 0 };
        const cv = { ...c, offset: cb + i0 * c.rowStride + j0 * c.colStride, batchStride: 0 };
        if (!runWasm(run, t, 1, Math.min(mb, m - i0), Math.min(nb, n - j0), k, av, bv, cv)) {
          if (u === 0 && i0 === 0 && j0 === 0) return false;
          gemmJs(1, Math.min(mb, m - i0), Math.min(nb, n - j0), k, av, bv, cv);
        }
      }
  }
  return true;
}

/** Runs the product through Wasm, chunk of batches by chunk; false (nothing written) if memory is refused. */
function runWasm(run: GemmDriver, t: WasmFloat, batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): boolean {
  const E = t === "f32" ? 4 : 8, nr = NR[t], blk = BLOCKS[t];
  const mp = roundUp(m, MR), ldc = roundUp(n, nr);
  const mc = Math.min(blk.MC, mp), kc = Math.min(blk.KC, k), nc = Math.min(blk.NC, ldc);
  const packA = 0, packB = align(mc * kc, E), aAt = packB + align(kc * nc, E);
  const perBatch = (a.batchStride === 0 ? 0 : m * k) + (b.batchStride === 0 ? 0 : k * n) + mp * ldc;
  const chunk = Math.max(1, Math.min(batch, Math.floor(WORKING_SET_BYTES / E / Math.max(1, perBatch))));
  // A span's size depends on the batch count, not on where the chunk starts: the first (full)
  // chunk needs the most memory, so reserving for it up front means no later chunk can fail.
  const first = { a: spanOf(a, 0, chunk, m, k), b: spanOf(b, 0, chunk, k, n) };
  if (!reserve((aAt + align(first.a.size, E) + align(first.b.size, E) + chunk * mp * ldc) * E)) return false;
  const heap = t === "f32" ? heapF32() : heapF64();
  for (let t0 = 0; t0 < batch; t0 += chunk) {
    const count = Math.min(chunk, batch - t0);
    const sa: Span = t0 === 0 ? first.a : spanOf(a, t0, count, m, k);
    const sb: Span = t0 === 0 ? first.b : spanOf(b, t0, count, k, n);
    const bAt = aAt + align(sa.size, E), cAt = bAt + align(sb.size, E);
    const A = stage(a, sa, t0, count, m, k, heap, aAt);
    const B = stage(b, sb, t0, count, k, n, heap, bAt);
    run(count, m, n, k, A.at * E, A.bs, A.rs, A.cs, B.at * E, B.bs, B.rs, B.cs, cAt * E, mp * ldc, ldc, packA * E, packB * E, blk.MC, blk.KC, blk.NC);
    copyOut(heap, cAt, mp * ldc, ldc, t0, count, m, n, c);
  }
  return true;
}

/** Copies the padded row-major result (pitch ldc, batch stride cbs) into C's view. */
function copyOut(heap: Float32Array | Float64Array, at: number, cbs: number, ldc: number, t0: number, count: number, m: number, n: number, c: MatView): void {
  const C = c.data as Float32Array | Float64Array;
  const rs = c.rowStride, cs = c.colStride;
  if (cs === 1 && rs === n && ldc === n && m * n >= 64 && (count === 1 || (cbs === m * n && c.batchStride === cbs))) {
    // No padding and C contiguous: one copy (padding must never land in C, whose gaps may be live).
    C.set(heap.subarray(at, at + count * m * n), c.offset + t0 * c.batchStride);
    return;
  }
  for (let t = 0; t < count; t++) {
    const base = c.offset + (t0 + t) * c.batchStride, src = at + t * cbs;
    for (let i = 0; i < m; i++) {
      const d = base + i * rs, s = src + i * ldc;
      if (cs === 1 && n >= 64) C.set(heap.subarray(s, s + n), d);
      else for (let j = 0, p = d; j < n; j++, p += cs) C[p] = heap[s + j];
    }
  }
}
