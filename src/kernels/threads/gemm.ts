// The threaded GEMM: stages A and B once into the pool's shared Wasm memory, cuts C into chunks
// (split.ts) that the calling thread and the ready workers take in turn, each running the same Wasm
// driver and cache blocks as the single-thread path (../wasm/gemm.ts) with its own packing
// buffers, and copies C out. Results are bitwise those of one thread. Only products big enough to
// repay the wake-up and the duplicated packing go here (THREAD_MIN_WORK); the rest return false.
import type { MatView } from "../gemm.js";
import { spanOf, stage, type Span } from "../wasm/stage.js";
import { setGemmThreadHook } from "./hook.js";
import { Pool, type Spawn } from "./pool.js";
import { splitWork } from "./split.js";
import { BLOCKS, MR, NR, WORKING_SET_BYTES, align, floatKind, roundUp } from "../wasm/blocking.js";
import type { WasmFloat } from "../wasm/loader.js";

/**
 * Chunks per thread. More chunks let a thread that wakes late or shares its core hand work over
 * to the others, at the cost of packing the shared operand (B for a row split) once per chunk.
 * At 1024^3 on 2 idle cores one and two per thread measured the same (1.8-1.9x); eight lost ~10 %.
 */
const CHUNKS_PER_THREAD = 2;

/**
 * Multiply-adds below which products stay on one thread. Measured with `bench/threads.ts --sweep`
 * on the 2-core development VM with both cores otherwise idle: 2 threads gain 1.2-1.5x at 128^3
 * in float32 and float64 (a worker wakes in a few µs; each chunk packs its own copy of the shared
 * operand), nothing below, where products are also too small for two chunks of >= 64 rows or
 * columns (split.ts). When other processes keep the cores busy a woken worker may wait for a
 * core for 100+ µs and threads do not pay at any size: no threshold can know that in advance.
 */
export const THREAD_MIN_WORK = 1 << 21;

let pool: Pool | null = null;
let minWork = THREAD_MIN_WORK;
let threadedPasses = 0;

/** How many staged passes have run split across threads (for tests and benchmarks). */
export function threadedPassCount(): number {
  return threadedPasses;
}

/** Starts a pool of `workers` workers (stopping any previous one) and installs the hook. */
export function startThreads(workers: number, spawn: Spawn): Pool {
  void stopThreads();
  const p = new Pool(workers, spawn);
  pool = p;
  setGemmThreadHook(threadedGemm);
  return p;
}

/** Removes the hook and ends the workers; resolves once they are gone. */
export function stopThreads(): Promise<void> {
  const p = pool;
  pool = null;
  setGemmThreadHook(null);
  return p === null ? Promise.resolve() : p.shutdown();
}

/** The running pool, if any (null after a failure or stop). */
export function activePool(): Pool | null {
  if (pool !== null && pool.isStopped) {
    pool = null;
    setGemmThreadHook(null);
  }
  return pool;
}

/** Overrides the size threshold (tests and benchmarks); returns the previous value. */
export function setThreadMinWork(work: number): number {
  const old = minWork;
  minWork = work;
  return old;
}


/**
 * The hook: C[t] = A[t] B[t] on the pool's threads, as `gemm` in ../gemm.ts. False, with nothing
 * written, when no pool runs, no worker is ready yet, the product is small, too narrow to cut or
 * not all-f32/f64, or the memory cannot be had; the caller then runs it on one thread. A worker
 * failure noticed since the last product is thrown here (see Pool.run).
 */
export function threadedGemm(batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): boolean {
  const p = activePool();
  if (p === null) return false;
  const t = floatKind(a, b, c);
  if (t === null || batch * m * n * k < minWork) return false;
  const threads = 1 + p.readyWorkers();
  if (p.failed === null && (threads < 2 || splitWork(threads, CHUNKS_PER_THREAD, batch, m, n, MR, NR[t]).chunks < 2)) return false;
  return runBlocked(p, threads, t, batch, m, n, k, a, b, c);
}

/** Cuts products too big for the working set into blocks of C, as ../wasm/gemm.ts does. */
function runBlocked(p: Pool, T: number, t: WasmFloat, batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): boolean {
  const E = t === "f32" ? 4 : 8, nr = NR[t];
  const budget = WORKING_SET_BYTES / E;
  if (k * (MR + nr) > budget) return false;
  let nb = n, mb = m;
  if (k * n > budget / 2) nb = Math.min(n, Math.max(nr, Math.floor(budget / 2 / k / nr) * nr));
  const rest = budget - k * nb, perRow = k + roundUp(nb, nr);
  if (m * perRow > rest) mb = Math.min(m, Math.max(MR, Math.floor(rest / perRow / MR) * MR));
  if (mb === m && nb === n) return runStaged(p, T, t, batch, m, n, k, a, b, c);
  for (let u = 0; u < batch; u++) {
    const ab = a.offset + u * a.batchStride, bb = b.offset + u * b.batchStride, cb = c.offset + u * c.batchStride;
    for (let j0 = 0; j0 < n; j0 += nb)
      for (let i0 = 0; i0 < m; i0 += mb) {
        const av = { ...a, offset: ab + i0 * a.rowStride, batchStride: 0 };
        const bv = { ...b, offset: bb + j0 * b.colStride, batchStride: 0 };
        const cv = { ...c, offset: cb + i0 * c.rowStride + j0 * c.colStride, batchStride: 0 };
        // The first block is the largest: if its memory is refused nothing has been written.
        if (!runStaged(p, T, t, 1, Math.min(mb, m - i0), Math.min(nb, n - j0), k, av, bv, cv)) {
          if (u === 0 && i0 === 0 && j0 === 0) return false;
          throw new Error("threaded gemm: memory refused after the first block (internal error)");
        }
      }
  }
  return true;
}

/** One staged pass (chunks of batches), split between the threads. */
function runStaged(p: Pool, T: number, t: WasmFloat, batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): boolean {
  const E = t === "f32" ? 4 : 8, nr = NR[t], blk = BLOCKS[t];
  const mp = roundUp(m, MR), ldc = roundUp(n, nr);
  const mc = Math.min(blk.MC, mp), kc = Math.min(blk.KC, k), nc = Math.min(blk.NC, ldc);
  // Packing buffers first, one pair per participant (workers use their slot number, so every
  // worker has a pair whether or not it is ready), then the staged operands and C.
  const packSize = align(mc * kc, E) + align(kc * nc, E);
  const aAt = (p.workers + 1) * packSize;
  const perBatch = (a.batchStride === 0 ? 0 : m * k) + (b.batchStride === 0 ? 0 : k * n) + mp * ldc;
  const chunk = Math.max(1, Math.min(batch, Math.floor(WORKING_SET_BYTES / E / Math.max(1, perBatch))));
  const first = { a: spanOf(a, 0, chunk, m, k), b: spanOf(b, 0, chunk, k, n) };
  if (!p.reserve((aAt + align(first.a.size, E) + align(first.b.size, E) + chunk * mp * ldc) * E)) return false;
  const kind = t === "f32" ? 0 : 1;
  for (let t0 = 0; t0 < batch; t0 += chunk) {
    const heap = t === "f32" ? p.f32 : p.f64;
    const count = Math.min(chunk, batch - t0);
    const sa: Span = t0 === 0 ? first.a : spanOf(a, t0, count, m, k);
    const sb: Span = t0 === 0 ? first.b : spanOf(b, t0, count, k, n);
    const bAt = aAt + align(sa.size, E), cAt = bAt + align(sb.size, E);
    const A = stage(a, sa, t0, count, m, k, heap, aAt);
    const B = stage(b, sb, t0, count, k, n, heap, bAt);
    const split = splitWork(T, CHUNKS_PER_THREAD, count, m, n, MR, nr);
    const axis = split.axis === "batch" ? 0 : split.axis === "rows" ? 1 : 2;
    const args = [count, m, n, k, A.at * E, A.bs, A.rs, A.cs, B.at * E, B.bs, B.rs, B.cs, cAt * E, mp * ldc, ldc, 0, align(mc * kc, E) * E, blk.MC, blk.KC, blk.NC];
    p.run("matmul", { kind, axis, total: split.total, chunk: split.chunk, packStride: packSize * E, args }, T);
    if (split.chunks > 1) threadedPasses++;
    copyOut(heap, cAt, mp * ldc, ldc, t0, count, m, n, c);
  }
  return true;
}

/** Copies the padded row-major result (pitch ldc, batch stride cbs) into C's view. */
function copyOut(heap: Float32Array | Float64Array, at: number, cbs: number, ldc: number, t0: number, count: number, m: number, n: number, c: MatView): void {
  const C = c.data as Float32Array | Float64Array;
  const rs = c.rowStride, cs = c.colStride;
  if (cs === 1 && rs === n && ldc === n && (count === 1 || (cbs === m * n && c.batchStride === cbs))) {
    C.set(heap.subarray(at, at + count * m * n), c.offset + t0 * c.batchStride);
    return;
  }
  for (let t = 0; t < count; t++) {
    const base = c.offset + (t0 + t) * c.batchStride, src = at + t * cbs;
    for (let i = 0; i < m; i++) {
      const d = base + i * rs, s = src + i * ldc;
      if (cs === 1) C.set(heap.subarray(s, s + n), d);
      else for (let j = 0, q = d; j < n; j++, q += cs) C[q] = heap[s + j];
    }
  }
}
