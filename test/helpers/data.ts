import { np, Tensor } from "../../src/index.js";

/** Deterministic values in [-1, 1) (BENCHMARKS.md's generator), as a float64 tensor of `shape`. */
export function rand(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.imul(i + 7919 * seed, 2654435761) >>> 0;
    data[i] = lo + ((hi - lo) * u) / 2 ** 32;
  }
  return np.array(data).reshape(shape);
}

/** A deterministic xorshift32 stream: uniform in [0, 1), or in [-1, 1) with `signed`. */
export function xorshift(seed: number, signed = false): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return signed ? s / 2 ** 31 - 1 : s / 2 ** 32;
  };
}
