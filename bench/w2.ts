// W2 of BENCHMARKS.md, chainrule only, from src/ (no build): valueAndGrad of
// sum(tanh(x) * exp(-x*x) + log1p(x*x)) at x = uniform(1e6, 2) in float32.
// Run: node --expose-gc --import tsx bench/w2.ts [reps]
import { np, valueAndGrad, Tensor } from "../src/index.js";

function uniform(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.imul(i + 7919 * seed, 2654435761) >>> 0;
    out[i] = -1 + (2 * u) / 2 ** 32;
  }
  return out;
}

const x = np.array(uniform(1e6, 2), "float32");
const f = (x: Tensor): Tensor => {
  const xx = np.multiply(x, x);
  return np.sum(np.add(np.multiply(np.tanh(x), np.exp(np.negative(xx))), np.log1p(xx)));
};
const vg = valueAndGrad(f);
const gc = (globalThis as { gc?: () => void }).gc;

const reps = Number(process.argv[2] ?? 30);
const until = performance.now() + 1500;
do vg(x);
while (performance.now() < until);
const t: number[] = [];
for (let r = 0; r < reps; r++) {
  gc?.();
  const t0 = performance.now();
  vg(x);
  t.push(performance.now() - t0);
}
t.sort((a, b) => a - b);
const [v, g] = vg(x);
console.log(
  `W2 float32: median ${t[t.length >> 1].toFixed(2)} ms, min ${t[0].toFixed(2)}, max ${t[t.length - 1].toFixed(2)} ` +
    `(${reps} reps${gc ? ", gc before each" : ""}); value ${v.item()}, grad ${g.dtype}${JSON.stringify(g.shape)}`,
);
