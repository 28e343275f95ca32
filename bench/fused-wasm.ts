// Fused WebAssembly SIMD kernels (src/kernels/fused/wasm.ts): `node --import tsx bench/fused-wasm.ts
// [--n N] [--runs R]` prints ns per element, median of R timed runs (default 15, after warm-up
// runs that also let V8 tier the module up from Liftoff to TurboFan), at n = 1e6 float32 values:
// each math function alone (array in, array out), the same through a plain JS loop over Math.*
// for scale, and W2 of docs/benchmarks.md as one fused program (value as a sum, gradient as an
// output), i.e. what `jit` hands this compiler for value_and_grad of
// sum(tanh(x) * exp(-x*x) + log1p(x*x)).
import { compileFusedWasm } from "../src/kernels/fused/wasm.js";
import type { FusedKernel, FusedProgram } from "../src/kernels/fused/program.js";
import { w2Program } from "../test/kernels/fused-w2.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const n = opt("--n", 1e6);
const runs = opt("--runs", 15);

function median(f: () => void): number {
  for (let i = 0; i < 5; i++) f();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

const x = new Float32Array(n);
for (let i = 0; i < n; i++) x[i] = -2 + 4 * ((Math.imul(i + 7919 * 2, 2654435761) >>> 0) / 2 ** 32);
const out = new Float32Array(n);

function kernel(p: FusedProgram): FusedKernel {
  const k = compileFusedWasm(p);
  if (k === null) throw new Error("fused-wasm bench: the runtime has no WebAssembly SIMD (or CHAINRULE_WASM=0)");
  return k;
}

const rows: [string, string, string][] = [];
const mathOps = ["exp", "expm1", "log", "log1p", "tanh", "sin", "cos"] as const;
for (const op of mathOps) {
  const k = kernel({ dtype: "float32", inputs: ["array"], ops: [{ op, args: [0] }], outputs: [1], sums: [] });
  // log and log1p on |x| + 0.5 so that they are timed on their domain, like the others.
  const xin = op === "log" || op === "log1p" ? x.map((v) => Math.abs(v) + 0.5) : x;
  const f: (v: number) => number = Math[op];
  const wasmMs = median(() => k(n, 0, [xin], [out]));
  const jsMs = median(() => {
    for (let i = 0; i < n; i++) out[i] = f(xin[i]);
  });
  rows.push([op, ((wasmMs * 1e6) / n).toFixed(3), ((jsMs * 1e6) / n).toFixed(2)]);
}
const w2 = kernel(w2Program());
const grad = new Float32Array(n);
const w2Ms = median(() => w2(n, 0, [x, 1, 1, 2], [grad]));
rows.push(["W2 value+grad (one fused program)", ((w2Ms * 1e6) / n).toFixed(3), "-"]);

console.log(`fused Wasm SIMD kernels, float32, n = ${n}, median of ${runs} runs`);
console.log("| kernel | Wasm ns/element | JS Math.* loop ns/element |");
console.log("| --- | --- | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
console.log(`W2 fused program: ${w2Ms.toFixed(3)} ms for ${n} elements`);
