import type { TypedArray } from "../tensor/dtype.js";

// Reduction loops over typed arrays. A "run" reduces `n` elements starting at `off`, `stride`
// apart, to one number; the ops layer decides which runs make up a reduction.

/** Reduces one strided run to a number. */
export type StridedRun = (a: TypedArray, off: number, n: number, stride: number) => number;

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

function pairwiseSumStrided(a: TypedArray, off: number, n: number, s: number): number {
  if (n <= 128) {
    let s0 = 0, s1 = 0;
    let i = 0, p = off;
    for (; i + 2 <= n; i += 2, p += 2 * s) {
      s0 += a[p];
      s1 += a[p + s];
    }
    if (i < n) s0 += a[p];
    return s0 + s1;
  }
  const h = (n >> 1) & ~7;
  return pairwiseSumStrided(a, off, h, s) + pairwiseSumStrided(a, off + h * s, n - h, s);
}

export const sumRun: StridedRun = (a, off, n, s) => (s === 1 ? pairwiseSum(a, off, n) : pairwiseSumStrided(a, off, n, s));

export const prodRun: StridedRun = (a, off, n, s) => {
  let r = 1;
  for (let i = 0, p = off; i < n; i++, p += s) r *= a[p];
  return r;
};

/** int32 product with wrap-around at every step (a float64 product would lose the low bits first). */
export const prodRunInt: StridedRun = (a, off, n, s) => {
  let r = 1;
  for (let i = 0, p = off; i < n; i++, p += s) r = Math.imul(r, a[p]);
  return r;
};

// One comparison per element in the common case: `!(v <= m)` is true for a new maximum and for
// NaN, which is then told apart inside the rare branch.

/** Maximum; NaN propagates, as in NumPy. Callers guarantee n >= 1. */
export const maxRun: StridedRun = (a, off, n, s) => {
  let m = a[off];
  if (m !== m) return m;
  for (let i = 1, p = off + s; i < n; i++, p += s) {
    const v = a[p];
    if (!(v <= m)) {
      if (v !== v) return v;
      m = v;
    }
  }
  return m;
};

export const minRun: StridedRun = (a, off, n, s) => {
  let m = a[off];
  if (m !== m) return m;
  for (let i = 1, p = off + s; i < n; i++, p += s) {
    const v = a[p];
    if (!(v >= m)) {
      if (v !== v) return v;
      m = v;
    }
  }
  return m;
};

/** Index of the first maximum (the first NaN wins, as in NumPy). */
export const argmaxRun: StridedRun = (a, off, n, s) => {
  let m = a[off];
  if (m !== m) return 0;
  let k = 0;
  for (let i = 1, p = off + s; i < n; i++, p += s) {
    const v = a[p];
    if (!(v <= m)) {
      if (v !== v) return i;
      m = v;
      k = i;
    }
  }
  return k;
};

export const argminRun: StridedRun = (a, off, n, s) => {
  let m = a[off];
  if (m !== m) return 0;
  let k = 0;
  for (let i = 1, p = off + s; i < n; i++, p += s) {
    const v = a[p];
    if (!(v >= m)) {
      if (v !== v) return i;
      m = v;
      k = i;
    }
  }
  return k;
};

// NaN is truthy in NumPy; `v !== 0` says so too.
export const anyRun: StridedRun = (a, off, n, s) => {
  for (let i = 0, p = off; i < n; i++, p += s) if (a[p] !== 0) return 1;
  return 0;
};

export const allRun: StridedRun = (a, off, n, s) => {
  for (let i = 0, p = off; i < n; i++, p += s) if (a[p] === 0) return 0;
  return 1;
};

export const countNonzeroRun: StridedRun = (a, off, n, s) => {
  let c = 0;
  for (let i = 0, p = off; i < n; i++, p += s) if (a[p] !== 0) c++;
  return c;
};

const ROW_BLOCK = 128;

/**
 * Column sums of a strided block of rows: `dst[dstOff + j] = Σ_i src[off + i*rowStride + j]`.
 * Reads rows in memory order (no transposed copy) and sums in blocks of rows, each block
 * summed into a float64 scratch then added to the total, so the error grows like n/128, not n.
 */
export function sumRowsInto(
  src: TypedArray,
  off: number,
  rows: number,
  rowStride: number,
  inner: number,
  dst: TypedArray,
  dstOff: number,
  total: Float64Array,
  block: Float64Array,
): void {
  total.fill(0, 0, inner);
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const r1 = Math.min(rows, r0 + ROW_BLOCK);
    block.fill(0, 0, inner);
    for (let r = r0, q = off + r0 * rowStride; r < r1; r++, q += rowStride)
      for (let j = 0; j < inner; j++) block[j] += src[q + j];
    for (let j = 0; j < inner; j++) total[j] += block[j];
  }
  for (let j = 0; j < inner; j++) dst[dstOff + j] = total[j];
}

// ---- cumulative kernels over contiguous data viewed as [outer, n, inner] ----

/**
 * Running sums along the middle axis. Reading back `dst` keeps the accumulator in the output
 * dtype at every step (float32 and int32 round or wrap per step, as NumPy's cumsum does).
 */
export function cumsumLines(src: TypedArray, dst: TypedArray, outer: number, n: number, inner: number, reverse: boolean): void {
  const line = n * inner;
  if (inner === 1) {
    // Accumulating along the last axis: one running total per line, kept in the output dtype.
    for (let o = 0; o < outer; o++) {
      const base = o * line;
      if (!reverse) {
        dst[base] = src[base];
        for (let i = base + 1; i < base + n; i++) dst[i] = dst[i - 1] + src[i];
      } else {
        dst[base + n - 1] = src[base + n - 1];
        for (let i = base + n - 2; i >= base; i--) dst[i] = dst[i + 1] + src[i];
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * line;
    if (!reverse) {
      for (let j = 0; j < inner; j++) dst[base + j] = src[base + j];
      for (let i = 1; i < n; i++) {
        const q = base + i * inner;
        for (let j = 0; j < inner; j++) dst[q + j] = dst[q - inner + j] + src[q + j];
      }
    } else {
      const last = base + (n - 1) * inner;
      for (let j = 0; j < inner; j++) dst[last + j] = src[last + j];
      for (let i = n - 2; i >= 0; i--) {
        const q = base + i * inner;
        for (let j = 0; j < inner; j++) dst[q + j] = dst[q + inner + j] + src[q + j];
      }
    }
  }
}

/** Running products along the middle axis; `int` multiplies with int32 wrap-around. */
export function cumprodLines(src: TypedArray, dst: TypedArray, outer: number, n: number, inner: number, reverse: boolean, int: boolean): void {
  const line = n * inner;
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    const first = reverse ? o * line + (n - 1) * inner : o * line;
    for (let j = 0; j < inner; j++) dst[first + j] = src[first + j];
    for (let i = 1, q = first + step; i < n; i++, q += step) {
      if (int) for (let j = 0; j < inner; j++) dst[q + j] = Math.imul(dst[q - step + j], src[q + j]);
      else for (let j = 0; j < inner; j++) dst[q + j] = dst[q - step + j] * src[q + j];
    }
  }
}

/**
 * The first-order linear recurrence h[i] = a[i]·h[i-1] + b[i] along the middle axis, from
 * h[-1] = 0 (or from the far end when `reverse`).
 */
export function linearRecurrenceLines(
  a: TypedArray,
  b: TypedArray,
  dst: TypedArray,
  outer: number,
  n: number,
  inner: number,
  reverse: boolean,
): void {
  const line = n * inner;
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    const first = reverse ? o * line + (n - 1) * inner : o * line;
    for (let j = 0; j < inner; j++) dst[first + j] = b[first + j];
    for (let i = 1, q = first + step; i < n; i++, q += step)
      for (let j = 0; j < inner; j++) dst[q + j] = a[q + j] * dst[q - step + j] + b[q + j];
  }
}

/**
 * Sum of squared deviations from the run's mean, by two passes (stable where the one-pass
 * E[x²] - E[x]² cancels). An empty run gives 0.
 */
export const squaredDeviationsRun: StridedRun = (a, off, n, s) => {
  if (n === 0) return 0;
  const mean = sumRun(a, off, n, s) / n;
  let s0 = 0, s1 = 0;
  let i = 0, p = off;
  for (; i + 2 <= n; i += 2, p += 2 * s) {
    const d0 = a[p] - mean;
    const d1 = a[p + s] - mean;
    s0 += d0 * d0;
    s1 += d1 * d1;
  }
  if (i < n) {
    const d = a[p] - mean;
    s0 += d * d;
  }
  return s0 + s1;
};
