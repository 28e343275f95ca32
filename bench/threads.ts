// Worker-thread GEMM speed-up: `node --import tsx bench/threads.ts [sizes...] [--runs N] [--threads T]`
// times np.matmul on n x n float32 and float64 matrices (default 1024) with threads off and with
// T threads (default 2: the caller + 1 worker), median of N runs (default 9) after warm-up, and
// prints the speed-up. `--sweep` instead times the kernel (gemmBest) on cubes 32..256 with the
// threshold forced to 0, to find where threads start to pay (THREAD_MIN_WORK in
// src/kernels/threads/gemm.ts).
import { np } from "../src/index.js";
import { enableThreads, disableThreads, threadCount } from "../src/node/threads.js";
import { setThreadMinWork } from "../src/kernels/threads/gemm.js";
import { gemmBest } from "../src/kernels/wasm/gemm.js";
import type { MatView } from "../src/kernels/gemm.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => (args.indexOf(name) >= 0 ? Number(args[args.indexOf(name) + 1]) : dflt);
const runs = opt("--runs", 9);
const threads = opt("--threads", 2);
const sizes = args.filter((x, i) => /^\d+$/.test(x) && !["--runs", "--threads"].includes(args[i - 1])).map(Number);
if (sizes.length === 0) sizes.push(1024);

function median(f: () => void, reps: number): number {
  const until = performance.now() + 200;
  do f();
  while (performance.now() < until);
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((x, y) => x - y);
  return t[t.length >> 1];
}

function uniform(len: number, seed: number): Float64Array {
  const d = new Float64Array(len);
  for (let i = 0; i < len; i++) d[i] = -1 + 2 * ((Math.imul(i + 7919 * seed, 2654435761) >>> 0) / 2 ** 32);
  return d;
}

async function matmuls(): Promise<void> {
  console.log(`np.matmul n x n, median of ${runs} runs, 1 thread vs ${threads}`);
  for (const n of sizes) {
    for (const dtype of ["float32", "float64"] as const) {
      const a = np.array(uniform(n * n, 1), { dtype }).reshape([n, n]);
      const b = np.array(uniform(n * n, 2), { dtype }).reshape([n, n]);
      await disableThreads();
      const t1 = median(() => np.matmul(a, b), runs);
      await enableThreads(threads);
      const used = threadCount();
      const tT = median(() => np.matmul(a, b), runs);
      await disableThreads();
      const gflop = (2 * n ** 3) / 1e9;
      console.log(
        `${dtype} ${n}: 1 thread ${t1.toFixed(2)} ms (${(gflop / t1 * 1e3).toFixed(1)} GFLOP/s), ` +
          `${used} threads ${tT.toFixed(2)} ms (${(gflop / tT * 1e3).toFixed(1)} GFLOP/s): ${(t1 / tT).toFixed(2)}x`,
      );
    }
  }
}

function view(d: Float32Array | Float64Array, rows: number, cols: number): MatView {
  return { data: d, offset: 0, batchStride: rows * cols, rowStride: cols, colStride: 1 };
}

async function sweep(): Promise<void> {
  setThreadMinWork(0);
  console.log(`gemmBest n^3 cubes, float32 / float64, median of ${runs * 5} runs, 1 thread vs ${threads}`);
  for (const n of [32, 48, 64, 80, 96, 112, 128, 160, 192, 256]) {
    const row: string[] = [];
    for (const T of [Float32Array, Float64Array]) {
      const a = view(T.from(uniform(n * n, 1)), n, n), b = view(T.from(uniform(n * n, 2)), n, n), c = view(new T(n * n), n, n);
      const f = () => gemmBest(1, n, n, n, a, b, c);
      await disableThreads();
      const t1 = median(f, runs * 5);
      await enableThreads(threads);
      const tT = median(f, runs * 5);
      row.push(`${T === Float32Array ? "f32" : "f64"} ${(t1 * 1e3).toFixed(0)} us -> ${(tT * 1e3).toFixed(0)} us (${(t1 / tT).toFixed(2)}x)`);
    }
    console.log(`${n}^3: ${row.join("   ")}`);
  }
  await disableThreads();
}

if (args.includes("--sweep")) await sweep();
else await matmuls();
