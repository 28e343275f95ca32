import type { TypedArray } from "../tensor/dtype.js";

/** Pairwise summation of a contiguous run: error O(log n) instead of O(n), as NumPy does. */
export function pairwiseSum(a: TypedArray, off: number, n: number): number {
  if (n <= 128) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      s0 += a[off + i];
      s1 += a[off + i + 1];
      s2 += a[off + i + 2];
      s3 += a[off + i + 3];
    }
    for (; i < n; i++) s0 += a[off + i];
    return s0 + s1 + (s2 + s3);
  }
  const h = (n >> 1) & ~7;
  return pairwiseSum(a, off, h) + pairwiseSum(a, off + h, n - h);
}

/** Applies `run` to each of `outer` consecutive runs of length `m`, writing one value per run. */
export function reduceRuns(
  src: TypedArray,
  off: number,
  outer: number,
  m: number,
  dst: TypedArray,
  run: (a: TypedArray, off: number, n: number) => number,
): void {
  for (let i = 0; i < outer; i++) dst[i] = run(src, off + i * m, m);
}
