// Wasm SIMD GEMM throughput: `node --import tsx bench/gemm-wasm.ts [sizes...] [--runs N]` prints,
// for n x n matrices (default 256 512 1024), the median GFLOP/s over N timed runs (default 7,
// after a warm-up) of the Wasm kernel in float32 and float64, contiguous and with a transposed
// B, next to the pure-JS kernel. Single thread. Inputs follow BENCHMARKS.md's `uniform`.
import { gemm } from "../src/kernels/gemm.js";
import { gemmWasm } from "../src/kernels/wasm/gemm.js";
import { wasmAvailable } from "../src/kernels/wasm/loader.js";
import type { MatView } from "../src/kernels/gemm.js";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
const sizes = args.filter((x, i) => /^\d+$/.test(x) && i !== runsAt + 1).map(Number);
if (sizes.length === 0) sizes.push(256, 512, 1024);
const withJs = !args.includes("--no-js");

function uniform(len: number, seed: number): Float64Array {
  const d = new Float64Array(len);
  for (let i = 0; i < len; i++) d[i] = -1 + 2 * ((Math.imul(i + 7919 * seed, 2654435761) >>> 0) / 2 ** 32);
  return d;
}

function median(f: () => void, reps: number): number {
  f();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((x, y) => x - y);
  return t[t.length >> 1] / 1000;
}

const view = (data: MatView["data"], rowStride: number, colStride: number): MatView => ({ data, offset: 0, batchStride: 0, rowStride, colStride });

console.log(`Wasm SIMD available: ${wasmAvailable()}; median of ${runs} runs`);
for (const n of sizes) {
  const flops = 2 * n ** 3;
  const gf = (s: number) => (flops / s / 1e9).toFixed(1).padStart(6);
  for (const T of [Float32Array, Float64Array]) {
    const a = T.from(uniform(n * n, 41)), b = T.from(uniform(n * n, 42)), c = new T(n * n);
    const A = view(a, n, 1), B = view(b, n, 1), Bt = view(b, 1, n), C = view(c, n, 1);
    const reps = Math.max(runs, Math.min(50, Math.round(2e9 / flops)));
    const w = median(() => gemmWasm(1, n, n, n, A, B, C), reps);
    const wt = median(() => gemmWasm(1, n, n, n, A, Bt, C), reps);
    const js = withJs ? gf(median(() => gemm(1, n, n, n, A, B, C), Math.min(runs, 3))) : "     -";
    const name = T === Float32Array ? "float32" : "float64";
    console.log(`${name} ${String(n).padStart(4)}: wasm ${gf(w)} GFLOP/s (${(w * 1e3).toFixed(2)} ms)  wasm A@B.T ${gf(wt)}  js ${js}`);
  }
}
