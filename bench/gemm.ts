// GEMM throughput: `node --import tsx bench/gemm.ts [n]` prints GFLOP/s of n x n matmul
// (default 512) for float64 and float32, through np.matmul and straight through the kernel,
// contiguous and with a transposed operand.
import { np } from "../src/index.js";
import { gemm } from "../src/kernels/gemm.js";
import type { Tensor } from "../src/tensor/tensor.js";

const n = Number(process.argv[2] ?? 512);

function fill(len: number, seed: number): Float64Array {
  const d = new Float64Array(len);
  for (let i = 0; i < len; i++) d[i] = (((Math.imul(i + 7919 * seed, 2654435761) >>> 0) / 2 ** 32) * 2 - 1);
  return d;
}

function time(f: () => unknown): number {
  for (let i = 0; i < 2; i++) f();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    f();
    runs.push(performance.now() - t0);
  }
  // The fastest run: the least disturbed by other processes on a shared machine.
  runs.sort((a, b) => a - b);
  return runs[0] / 1000;
}

const flops = 2 * n * n * n;
for (const dt of ["float64", "float32"] as const) {
  const a = np.array(fill(n * n, 1), dt).reshape([n, n]) as Tensor;
  const b = np.array(fill(n * n, 2), dt).reshape([n, n]) as Tensor;
  const tm = time(() => np.matmul(a, b));
  const tt = time(() => np.matmul(a, b.T));
  const ad = a.toTypedArray(), bd = b.toTypedArray();
  const out = dt === "float64" ? new Float64Array(n * n) : new Float32Array(n * n);
  const tk = time(() =>
    gemm(1, n, n, n, { data: ad, offset: 0, batchStride: 0, rowStride: n, colStride: 1 }, { data: bd, offset: 0, batchStride: 0, rowStride: n, colStride: 1 }, { data: out, offset: 0, batchStride: 0, rowStride: n, colStride: 1 }),
  );
  const g = (t: number) => (flops / t / 1e9).toFixed(2);
  console.log(`${dt} ${n}x${n}: matmul ${g(tm)} GFLOP/s (${(tm * 1e3).toFixed(1)} ms), a @ b.T ${g(tt)} GFLOP/s, kernel ${g(tk)} GFLOP/s`);
}

// Thin shapes take the unpacked paths: matrix-vector and vector-matrix.
const big = np.array(fill(n * n, 3)).reshape([n, n]) as Tensor;
const vec = np.array(fill(n, 4)) as Tensor;
const tmv = time(() => np.matmul(big, vec));
const tvm = time(() => np.matmul(vec, big));
console.log(`float64 ${n}x${n} @ vector: ${((2 * n * n) / tmv / 1e9).toFixed(2)} GFLOP/s; vector @ ${n}x${n}: ${((2 * n * n) / tvm / 1e9).toFixed(2)} GFLOP/s`);
