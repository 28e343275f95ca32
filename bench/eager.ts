// Micro-benchmarks of the eager path and of W1 (BENCHMARKS.md), chainrule only.
// Run: node --expose-gc --import tsx bench/eager.ts
import { np, grad, vjp, Tensor } from "../src/index.js";

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** ns per call of `body` (which runs `inner` ops), median of `reps` timed runs after warm-up. */
export function nsPerOp(body: () => void, inner: number, reps = 7): number {
  // Warm up until the optimizing compiler has settled (a few runs are not enough for W1).
  const until = performance.now() + 300;
  do body();
  while (performance.now() < until);
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    body();
    t.push(((performance.now() - t0) * 1e6) / inner);
  }
  return median(t);
}

export function w1(steps: number): (x: number | Tensor) => Tensor {
  return (x0) => {
    let x = x0 as Tensor;
    for (let i = 0; i < steps; i++) x = np.add(np.multiply(np.sin(x), 1.0001), np.multiply(np.multiply(0.01, x), x));
    return x;
  };
}

export function eagerBench(): Record<string, number> {
  const a = np.array(0.5);
  const b = np.array(0.25);
  const v = np.array([1, 2, 3, 4]);
  const w = np.array([5, 6, 7, 8]);
  const N = 1_000_000;
  let sink: Tensor = a;
  const add0 = nsPerOp(() => { for (let i = 0; i < N; i++) sink = np.add(a, b); }, N);
  const mul0 = nsPerOp(() => { for (let i = 0; i < N; i++) sink = np.multiply(a, b); }, N);
  const sin0 = nsPerOp(() => { for (let i = 0; i < N; i++) sink = np.sin(a); }, N);
  const add4 = nsPerOp(() => { for (let i = 0; i < N; i++) sink = np.add(v, w); }, N);
  void sink;
  return { "eager 0-d add (ns)": add0, "eager 0-d mul (ns)": mul0, "eager 0-d sin (ns)": sin0, "eager 4-element add (ns)": add4 };
}

export function w1Bench(steps: number, reps: number): number {
  const f = w1(steps);
  const g = grad(f);
  return nsPerOp(() => { g(0.5); }, 5 * steps, reps) / 1000;
}

/** Bytes kept per recorded op while the graph is alive (needs --expose-gc). */
export function w1Bytes(steps: number): number | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  const f = w1(steps);
  gc();
  const before = process.memoryUsage().heapUsed;
  const [, pull] = vjp(f, 0.5);
  gc();
  const after = process.memoryUsage().heapUsed;
  void pull;
  return (after - before) / (5 * steps);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(eagerBench());
  console.log("W1 1k µs/op", w1Bench(1000, 21));
  console.log("W1 100k µs/op", w1Bench(100_000, 5));
  console.log("W1 bytes/op", w1Bytes(100_000));
}
