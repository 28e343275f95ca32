// Wasm SIMD GEMM throughput: `node --import tsx bench/gemm-wasm.ts [sizes...] [--runs N] [--no-js]`
// prints, for n x n matrices (default 256 512 1024), the median GFLOP/s over N timed runs
// (default 7, after a warm-up) of the Wasm kernel in float32 and float64, row-major and with a
// transposed B, next to the pure-JS kernel, and the time of a broadcast-ones cotangent times B.T
// (W4's backward products); single thread, inputs as BENCHMARKS.md's `uniform`.
// First it measures this machine's ceiling for the plain-SIMD kernel's instruction mix:
// independent f32x4 multiplies and adds in registers, which bounds any Wasm SIMD128 GEMM without
// FMA. Add --experimental-wasm-relaxed-simd to node (Node 20; on by default from Node 22) for
// the relaxed-SIMD build, whose fused multiply-adds can pass that ceiling.
import wabtInit from "wabt";
import { gemm } from "../src/kernels/gemm.js";
import { gemmBest, gemmWasm } from "../src/kernels/wasm/gemm.js";
import { wasmAvailable, wasmRelaxedSimdSupported } from "../src/kernels/wasm/loader.js";
import type { MatView } from "../src/kernels/gemm.js";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 7;
const sizes = args.filter((x, i) => /^\d+$/.test(x) && (runsAt < 0 || i !== runsAt + 1)).map(Number);
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

/** GFLOP/s of 6 independent f32x4 multiply chains and 6 add chains (4 flops per vector op). */
async function mulAddCeiling(): Promise<number> {
  const wabt = await wabtInit();
  const regs = Array.from({ length: 12 }, (_, i) => `$r${i}`);
  const op = (r: string, i: number) => `(local.set ${r} (f32x4.${i < 6 ? "mul" : "add"} (local.get ${r}) (local.get $k)))`;
  const body = Array.from({ length: 4 }, () => regs.map(op).join(" ")).join(" ");
  const wat = `(module (func (export "f") (param $n i32) (result f32) ${regs.map((r) => `(local ${r} v128)`).join(" ")} (local $k v128)
    (local.set $k (f32x4.splat (f32.const 1.0000001)))
    (loop $l ${body} (local.set $n (i32.sub (local.get $n) (i32.const 1))) (br_if $l (local.get $n)))
    ${regs.slice(1).map((r) => `(local.set $r0 (f32x4.add (local.get $r0) (local.get ${r})))`).join(" ")}
    (f32x4.extract_lane 0 (local.get $r0))))`;
  const mod = wabt.parseWat("ceiling.wat", wat, { simd: true });
  const bytes = new Uint8Array(mod.toBinary({}).buffer);
  const f = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.f as (n: number) => number;
  const iters = 1e6;
  // Called often enough to be tiered up from Liftoff to TurboFan before timing.
  for (let i = 0; i < 200; i++) f(1000);
  let best = Infinity;
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    f(iters);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return (iters * 4 * 12 * 4) / best / 1e9;
}

const view = (data: MatView["data"], rowStride: number, colStride: number): MatView => ({ data, offset: 0, batchStride: 0, rowStride, colStride });

const ceiling = await mulAddCeiling();
const build = wasmRelaxedSimdSupported() ? "relaxed SIMD (fused multiply-add)" : "SIMD128 (multiply + add)";
console.log(`Wasm SIMD available: ${wasmAvailable()}, kernel build: ${build}; median of ${runs} runs`);
console.log(`ceiling of separate mul + add (no FMA in Wasm SIMD): ${ceiling.toFixed(1)} GFLOP/s float32, ${(ceiling / 2).toFixed(1)} float64`);
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
    // The cotangent of sum(A @ B) (a scalar broadcast to n x n) times B.T, as W4's backward pass
    // does: gemmBest takes it as an outer product (src/kernels/wasm/rank-one.ts).
    const ones = view(T.from([1]), 0, 0);
    const r1 = median(() => gemmBest(1, n, n, n, ones, Bt, C), reps);
    const name = T === Float32Array ? "float32" : "float64";
    const share = ((flops / w / 1e9 / (T === Float32Array ? ceiling : ceiling / 2)) * 100).toFixed(0);
    console.log(`${name} ${String(n).padStart(4)}: wasm ${gf(w)} GFLOP/s (${(w * 1e3).toFixed(2)} ms, ${share} % of ceiling)  wasm A@B.T ${gf(wt)}  js ${js}  ones@B.T ${(r1 * 1e3).toFixed(2)} ms`);
  }
}
