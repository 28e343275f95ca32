import { compileFusedWasm } from "./src/kernels/fused/wasm.js";
const n = 1e6; const x = new Float32Array(n).map((_, i) => (i % 1000) / 500 - 1); const out = new Float32Array(n);
function med(f: () => void) { for (let i = 0; i < 5; i++) f(); const t: number[] = []; for (let i = 0; i < 9; i++) { const t0 = performance.now(); f(); t.push(performance.now() - t0); } t.sort((a, b) => a - b); return t[4]; }
const progs: any = {
  copy: { dtype: "float32", inputs: ["array"], ops: [{ op: "neg", args: [0] }], outputs: [1], sums: [] },
  sum: { dtype: "float32", inputs: ["array"], ops: [{ op: "neg", args: [0] }], outputs: [], sums: [1] },
  mul10: { dtype: "float32", inputs: ["array"], ops: Array.from({ length: 10 }, (_, j) => ({ op: "mul", args: [j, 0] })), outputs: [10], sums: [] },
  exp: { dtype: "float32", inputs: ["array"], ops: [{ op: "exp", args: [0] }], outputs: [1], sums: [] },
};
for (const [name, p] of Object.entries(progs)) { const k = compileFusedWasm(p as any)!; console.log(name, (med(() => k(n, 0, [x], [out])) * 1e6 / n).toFixed(3), "ns/el"); }
