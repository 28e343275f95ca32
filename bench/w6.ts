// W6 of BENCHMARKS.md, chainrule only, from src/ (no build): the full Hessian of the Rosenbrock
// function sum(100 (x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2) at x = uniform(100, 6), float64.
// Run: node --expose-gc --import tsx bench/w6.ts [reps] [n]
import { np, hessian, Tensor } from "../src/index.js";

function uniform(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.imul(i + 7919 * seed, 2654435761) >>> 0;
    out[i] = -1 + (2 * u) / 2 ** 32;
  }
  return out;
}

const n = Number(process.argv[3] ?? 100);
const x = np.array(uniform(n, 6));
const rosen = (x: Tensor): Tensor => {
  const head = x.get(":-1");
  const t = np.subtract(x.get("1:"), np.square(head));
  return np.sum(np.add(np.multiply(100, np.square(t)), np.square(np.subtract(1, head))));
};
const h = hessian(rosen);

// The Hessian in closed form (tridiagonal), to check the result before timing it.
function expected(v: Float64Array): Float64Array {
  const H = new Float64Array(n * n);
  for (let i = 0; i < n - 1; i++) {
    H[i * n + i] += 1200 * v[i] * v[i] - 400 * v[i + 1] + 2;
    H[(i + 1) * n + i + 1] += 200;
    H[i * n + i + 1] += -400 * v[i];
    H[(i + 1) * n + i] += -400 * v[i];
  }
  return H;
}
const got = h(x).toTypedArray();
const want = expected(x.toTypedArray() as Float64Array);
let err = 0;
for (let i = 0; i < n * n; i++) err = Math.max(err, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
if (err > 1e-12) throw new Error(`W6: Hessian differs from the closed form (max relative error ${err})`);

const gc = (globalThis as { gc?: () => void }).gc;
const reps = Number(process.argv[2] ?? 200);
const until = performance.now() + 1500;
do h(x);
while (performance.now() < until);
const t: number[] = [];
for (let r = 0; r < reps; r++) {
  gc?.();
  const t0 = performance.now();
  h(x);
  t.push(performance.now() - t0);
}
t.sort((a, b) => a - b);
console.log(
  `W6 n=${n}: median ${t[t.length >> 1].toFixed(3)} ms, min ${t[0].toFixed(3)}, max ${t[t.length - 1].toFixed(3)} ` +
    `(${reps} reps${gc ? ", gc before each" : ""}); max rel. error vs closed form ${err.toExponential(1)}`,
);
