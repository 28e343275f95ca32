/**
 * Sorting, selection and binary search over one lane of float64 keys. NaN sorts after every
 * number (NumPy's order); the sorts are stable, so tied keys keep their input order.
 */

import { radixArgsort } from "./radix.js";

const RUN = 16;
/** Lanes at least this long sort by radix (linear time); shorter ones by merge sort. */
export const RADIX_MIN = 1024;
/** Partitioned lanes up to this long are fully sorted. */
const SORT_FULLY = 256;

/**
 * Puts the positions 0..n-1 of `v` in `ix`, stably sorted by value, NaNs last. `tmp` is scratch
 * of length >= n. Returns how many keys are not NaN.
 */
export function argsortLane(v: Float64Array, n: number, ix: Int32Array, tmp: Int32Array): number {
  const k = splitNaN(v, n, ix);
  if (k >= RADIX_MIN) radixArgsort(v, ix, k);
  else mergeSort(v, ix, tmp, 0, k);
  return k;
}

/** Fills ix with the non-NaN positions first and the NaN positions after, each in input order. */
function splitNaN(v: Float64Array, n: number, ix: Int32Array): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (v[i] === v[i]) ix[k++] = i;
  let t = k;
  for (let i = 0; i < n && t < n; i++) if (v[i] !== v[i]) ix[t++] = i;
  return k;
}

function insertionSort(v: Float64Array, ix: Int32Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const x = ix[i];
    const key = v[x];
    let j = i - 1;
    while (j >= lo && v[ix[j]] > key) {
      ix[j + 1] = ix[j];
      j--;
    }
    ix[j + 1] = x;
  }
}

/** Bottom-up stable merge sort of ix[lo, hi) by v (no NaNs in that range). */
function mergeSort(v: Float64Array, ix: Int32Array, tmp: Int32Array, lo: number, hi: number): void {
  for (let s = lo; s < hi; s += RUN) insertionSort(v, ix, s, Math.min(s + RUN, hi));
  let a = ix;
  let b = tmp;
  for (let w = RUN; w < hi - lo; w *= 2) {
    for (let s = lo; s < hi; s += 2 * w) {
      const mid = Math.min(s + w, hi);
      const end = Math.min(s + 2 * w, hi);
      let i = s, j = mid, k = s;
      while (i < mid && j < end) b[k++] = v[a[j]] < v[a[i]] ? a[j++] : a[i++];
      while (i < mid) b[k++] = a[i++];
      while (j < end) b[k++] = a[j++];
    }
    const t = a;
    a = b;
    b = t;
  }
  if (a !== ix) for (let i = lo; i < hi; i++) ix[i] = a[i];
}

/**
 * Reorders the positions 0..n-1 of `v` in `ix` so that, for every k in `kth` (ascending, distinct),
 * ix[k] is the position of the k-th smallest key, smaller keys before it and larger ones after
 * (NaNs count as largest). Introselect: three-way quickselect, with a merge-sort fallback that
 * bounds the worst case at O(n log n).
 */
export function argpartitionLane(v: Float64Array, n: number, kth: readonly number[], ix: Int32Array, tmp: Int32Array): void {
  const k = splitNaN(v, n, ix);
  // Short lanes are sorted outright: as cheap as selecting, and the order NumPy's vectorized
  // selection gives them too, so forward-mode tangents line up with NumPy's output.
  if (k <= SORT_FULLY) {
    mergeSort(v, ix, tmp, 0, k);
    return;
  }
  let lo = 0;
  for (const t of kth) {
    if (t >= k) break;
    select(v, ix, tmp, lo, k, t);
    lo = t + 1;
  }
}

function select(v: Float64Array, ix: Int32Array, tmp: Int32Array, lo: number, hi: number, t: number): void {
  let budget = 2 * Math.ceil(Math.log2(hi - lo + 1)) + 4;
  while (hi - lo > RUN) {
    if (budget-- === 0) {
      mergeSort(v, ix, tmp, lo, hi);
      return;
    }
    const pivot = medianOf3(v[ix[lo]], v[ix[(lo + hi) >>> 1]], v[ix[hi - 1]]);
    // Dijkstra's three-way partition: [lo, lt) < pivot, [lt, gt) == pivot, [gt, hi) > pivot.
    let lt = lo, i = lo, gt = hi;
    while (i < gt) {
      const x = ix[i];
      const key = v[x];
      if (key < pivot) {
        ix[i++] = ix[lt];
        ix[lt++] = x;
      } else if (key > pivot) {
        ix[i] = ix[--gt];
        ix[gt] = x;
      } else i++;
    }
    if (t < lt) hi = lt;
    else if (t >= gt) lo = gt;
    else return;
  }
  insertionSort(v, ix, lo, hi);
}

function medianOf3(a: number, b: number, c: number): number {
  if (a < b) return b < c ? b : a < c ? c : a;
  return a < c ? a : b < c ? c : b;
}

/** key < other in NumPy's order (NaN after everything). */
function less(key: number, other: number): boolean {
  return key < other || (other !== other && key === key);
}

/**
 * For each query, the insertion point into the ascending keys `a` (read through `order` when
 * given): the first position whose key is not less than the query (side "left") or greater
 * than it (side "right").
 */
export function searchSorted(
  a: Float64Array,
  order: Int32Array | null,
  queries: Float64Array,
  right: boolean,
  out: Int32Array,
): void {
  const n = a.length;
  for (let q = 0; q < queries.length; q++) {
    const x = queries[q];
    let lo = 0, hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const key = a[order === null ? mid : order[mid]];
      const goRight = right ? !less(x, key) : less(key, x);
      if (goRight) lo = mid + 1;
      else hi = mid;
    }
    out[q] = lo;
  }
}
