// The deterministic data of BENCHMARKS.md for the chainrule-only benches (w3.ts, w7.ts), as
// float32: element i is lo + (hi - lo) * u / 2**32 with u = imul(i + 7919 * seed, 2654435761) >>> 0.
// (bench/workloads/data.mjs is the same for the side-by-side runner, in float64.)

export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.imul(i + 7919 * seed, 2654435761) >>> 0;
    out[i] = lo + ((hi - lo) * u) / 2 ** 32;
  }
  return out;
}

/** Each element divided by `s` (the weight scalings of W3 and W7). */
export const scaled = (a: Float32Array, s: number): Float32Array => a.map((v) => v / s);
