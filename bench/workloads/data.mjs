// Shared by every system's workloads: the deterministic data of BENCHMARKS.md, the workload
// list, and the timing loop. Each system builds its tensors from these same typed arrays, so
// every system computes the same numbers.

/** Element i is lo + (hi - lo) * u / 2**32, u = imul(i + 7919 * seed, 2654435761) >>> 0. */
export function uniform(n, seed, lo = -1, hi = 1) {
  const out = new Float64Array(n);
  const span = hi - lo;
  for (let i = 0; i < n; i++) {
    const u = Math.imul(i + 7919 * seed, 2654435761) >>> 0;
    out[i] = lo + (span * u) / 2 ** 32;
  }
  return out;
}

/** uniform(...) divided by `div` (the weight scalings of W3 and W7). */
export function scaled(n, seed, div) {
  const out = uniform(n, seed);
  for (let i = 0; i < n; i++) out[i] /= div;
  return out;
}

/** Labels (i * 7 + 3) % 10. */
export function labels(n) {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + 3) % 10;
  return out;
}

/** One-hot rows for `labels(n)`, n x classes, as float64 (each system casts as it needs). */
export function oneHot(n, classes = 10) {
  const lab = labels(n);
  const out = new Float64Array(n * classes);
  for (let i = 0; i < n; i++) out[i * classes + lab[i]] = 1;
  return out;
}

/**
 * The rows of the table, in order. `time` is what is measured; `flops`, when present, turns a
 * time into GFLOP/s. The ratio column always divides times, so below 1 chainrule is faster.
 */
export const WORKLOADS = [
  { id: "W1", label: "W1 scalar graph, 1000 steps", unit: "µs/op" },
  { id: "W2", label: "W2 value_and_grad 1e6 f32", unit: "ms" },
  { id: "W3", label: "W3 MLP 784-512-256-10 step", unit: "ms/step" },
  { id: "W4-f32", label: "W4 grad sum(A@B) 512 f32", unit: "ms", flops: 3 * 2 * 512 ** 3 },
  { id: "W4-f64", label: "W4 grad sum(A@B) 512 f64", unit: "ms", flops: 3 * 2 * 512 ** 3 },
  { id: "W5-f32", label: "W5 A@B 1024 f32", unit: "ms", flops: 2 * 1024 ** 3 },
  { id: "W5-f64", label: "W5 A@B 1024 f64", unit: "ms", flops: 2 * 1024 ** 3 },
  { id: "W6", label: "W6 Hessian Rosenbrock n=100", unit: "ms" },
  { id: "W7", label: "W7 CNN step (batch 32)", unit: "ms/step" },
];

/**
 * Timing policy: full run or `--quick`. Warm-up runs at least `warmup` calls and at least
 * `warmupMs` (so that V8 and the peers' kernel caches settle on the fast workloads too); timed
 * repetitions stop at maxReps, or after budgetMs once minReps are done.
 */
export function policy(quick) {
  return quick
    ? { warmup: 1, warmupMs: 100, minReps: 3, maxReps: 15, budgetMs: 1500 }
    : { warmup: 2, warmupMs: 500, minReps: 5, maxReps: 51, budgetMs: 4000 };
}

export function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs `fn` (sync, or async for lazy systems that must be waited on) `warmup` times, then
 * times repetitions; returns the samples in ms. `fn` may return a promise: it is awaited
 * inside the timed region, so lazy engines are timed to completion.
 */
export async function timeIt(fn, pol) {
  let minReps = pol.minReps;
  const w0 = performance.now();
  for (let i = 0; i < pol.warmup || performance.now() - w0 < pol.warmupMs; i++) {
    const t0 = performance.now();
    const r = fn();
    if (r && typeof r.then === "function") await r;
    // A call of over a second (a peer's slow kernel) is warm after one call; three timed
    // repetitions of it keep the whole run within its time budget.
    if (performance.now() - t0 > 1000) {
      minReps = Math.min(minReps, 3);
      break;
    }
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < pol.maxReps) {
    const t0 = performance.now();
    const r = fn();
    if (r && typeof r.then === "function") await r;
    samples.push(performance.now() - t0);
    if (samples.length >= minReps && performance.now() - start > pol.budgetMs) break;
  }
  return samples;
}

/** Thrown by a workload that a system cannot run; the message goes in the table as "n/a". */
export class NotAvailable extends Error {}

/** Unit conversion for one row: samples in ms per call, divided into `perCall` units. */
export function summarize(samples, { scale = 1 } = {}) {
  const per = samples.map((s) => s * scale);
  return { median: median(per), min: Math.min(...per), reps: per.length, samples: per };
}
