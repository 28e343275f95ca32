// Worker-thread GEMM speed-up: `node --import tsx bench/threads.ts [sizes...] [--runs N] [--threads T]`
// times np.matmul on n x n float32 and float64 matrices (default 1024) on one thread and on T
// threads (default 2: the caller + 1 worker), alternating run by run so both see the same load
// from other processes, median of N runs each (default 9) after warm-up, and prints the speed-up. `--sweep` instead times the kernel (gemmBest) on cubes 32..256 with the
// threshold forced to 0, to find where threads start to pay (THREAD_MIN_WORK in
// src/kernels/threads/gemm.ts).
import { np } from "../src/index.js";
import { enableThreads, disableThreads, threadCount } from "../src/node/threads.js";
import { setThreadMinWork } from "../src/kernels/threads/gemm.js";
import { gemmThreadHook, setGemmThreadHook } from "../src/kernels/threads/hook.js";
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

/**
 * Times f with threads off and on, alternating run by run (the hook removed and put back, the
 * workers staying up) so that both see the same load from other processes; medians in ms.
 */
function paired(f: () => void, reps: number): [number, number] {
  const hook = gemmThreadHook();
  const off = () => setGemmThreadHook(null), on = () => setGemmThreadHook(hook);
  const until = performance.now() + 300;
  do {
    off();
    f();
    on();
    f();
  } while (performance.now() < until);
  const t1: number[] = [], tT: number[] = [];
  for (let i = 0; i < reps; i++) {
    off();
    let t0 = performance.now();
    f();
    t1.push(performance.now() - t0);
    on();
    t0 = performance.now();
    f();
    tT.push(performance.now() - t0);
  }
  const med = (t: number[]) => t.sort((x, y) => x - y)[t.length >> 1];
  return [med(t1), med(tT)];
}

async function matmuls(): Promise<void> {
  await enableThreads(threads);
  console.log(`np.matmul n x n, ${threadCount()} threads vs 1, alternating, median of ${runs} runs each`);
  for (const n of sizes) {
    for (const dtype of ["float32", "float64"] as const) {
      const a = np.array(uniform(n * n, 1), { dtype }).reshape([n, n]);
      const b = np.array(uniform(n * n, 2), { dtype }).reshape([n, n]);
      const [t1, tT] = paired(() => np.matmul(a, b), runs);
      const gflop = (2 * n ** 3) / 1e9;
      console.log(
        `${dtype} ${n}: 1 thread ${t1.toFixed(2)} ms (${(gflop / t1 * 1e3).toFixed(1)} GFLOP/s), ` +
          `${threads} threads ${tT.toFixed(2)} ms (${(gflop / tT * 1e3).toFixed(1)} GFLOP/s): ${(t1 / tT).toFixed(2)}x`,
      );
    }
  }
  await disableThreads();
}

function view(d: Float32Array | Float64Array, rows: number, cols: number): MatView {
  return { data: d, offset: 0, batchStride: rows * cols, rowStride: cols, colStride: 1 };
}

async function sweep(): Promise<void> {
  setThreadMinWork(0);
  await enableThreads(threads);
  console.log(`gemmBest n^3 cubes, ${threads} threads vs 1 with no threshold, alternating, median of ${runs * 5} runs each`);
  for (const n of [32, 48, 64, 80, 96, 112, 128, 160, 192, 256]) {
    const row: string[] = [];
    for (const T of [Float32Array, Float64Array]) {
      const a = view(T.from(uniform(n * n, 1)), n, n), b = view(T.from(uniform(n * n, 2)), n, n), c = view(new T(n * n), n, n);
      const [t1, tT] = paired(() => gemmBest(1, n, n, n, a, b, c), runs * 5);
      row.push(`${T === Float32Array ? "f32" : "f64"} ${(t1 * 1e3).toFixed(0)} us -> ${(tT * 1e3).toFixed(0)} us (${(t1 / tT).toFixed(2)}x)`);
    }
    console.log(`${n}^3: ${row.join("   ")}`);
  }
  await disableThreads();
}

if (args.includes("--sweep")) await sweep();
else await matmuls();
