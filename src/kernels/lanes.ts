import type { TypedArray } from "../tensor/dtype.js";

/**
 * Loops that move values along one axis of a C-ordered array viewed as (outer, n, inner): the
 * axis is the middle one, so every op here is a tight loop without per-element division.
 */

/** dst (outer, m, inner) = src (outer, n, inner) taken at `index` (length m) along the middle axis. */
export function gatherMiddle(src: TypedArray, outer: number, n: number, inner: number, index: Int32Array, dst: TypedArray): void {
  const m = index.length;
  let d = 0;
  if (inner === 1) {
    for (let o = 0, base = 0; o < outer; o++, base += n) for (let j = 0; j < m; j++) dst[d++] = src[base + index[j]];
    return;
  }
  for (let o = 0, base = 0; o < outer; o++, base += n * inner)
    for (let j = 0; j < m; j++) {
      const s = base + index[j] * inner;
      for (let i = 0; i < inner; i++) dst[d++] = src[s + i];
    }
}

/** The adjoint of `gatherMiddle`: dst (outer, n, inner), zero on entry, accumulates src (outer, m, inner). */
export function scatterAddMiddle(src: TypedArray, outer: number, n: number, inner: number, index: Int32Array, dst: TypedArray): void {
  const m = index.length;
  let s = 0;
  if (inner === 1) {
    for (let o = 0, base = 0; o < outer; o++, base += n) for (let j = 0; j < m; j++) dst[base + index[j]] += src[s++];
    return;
  }
  for (let o = 0, base = 0; o < outer; o++, base += n * inner)
    for (let j = 0; j < m; j++) {
      const d = base + index[j] * inner;
      for (let i = 0; i < inner; i++) dst[d + i] += src[s++];
    }
}

/** dst[o, j, i] = src[o, index[o, j, i], i]: every lane along the middle axis has its own index. */
export function gatherLanes(src: TypedArray, outer: number, n: number, inner: number, index: Int32Array, dst: TypedArray): void {
  const block = n * inner;
  for (let o = 0, base = 0; o < outer; o++, base += block)
    for (let j = 0, p = base; j < n; j++)
      for (let i = 0; i < inner; i++, p++) dst[p] = src[base + index[p] * inner + i];
}

/** The inverse of each lane's permutation: inv[o, index[o, j, i], i] = j. */
export function invertLanes(index: Int32Array, outer: number, n: number, inner: number): Int32Array {
  const inv = new Int32Array(index.length);
  const block = n * inner;
  for (let o = 0, base = 0; o < outer; o++, base += block)
    for (let j = 0, p = base; j < n; j++) for (let i = 0; i < inner; i++, p++) inv[base + index[p] * inner + i] = j;
  return inv;
}

/** Copies lane (o, i) (n values with stride `inner`) into `lane` as float64. */
export function readLane(src: TypedArray, base: number, n: number, inner: number, lane: Float64Array): void {
  for (let j = 0, p = base; j < n; j++, p += inner) lane[j] = src[p];
}

/**
 * Visits a box of a strided destination: `fill` sets each element to `value`; `copy` copies a
 * contiguous source of the box's shape. Outer axes advance with counters, the last axis is a
 * tight loop.
 */
export function fillBox(dst: TypedArray, offset: number, strides: readonly number[], shape: readonly number[], value: number): void {
  boxWalk(dst, offset, strides, shape, null, value);
}

export function copyIntoBox(src: TypedArray, dst: TypedArray, offset: number, strides: readonly number[], shape: readonly number[]): void {
  boxWalk(dst, offset, strides, shape, src, 0);
}

function boxWalk(dst: TypedArray, offset: number, strides: readonly number[], shape: readonly number[], src: TypedArray | null, value: number): void {
  const nd = shape.length;
  for (let d = 0; d < nd; d++) if (shape[d] === 0) return;
  if (nd === 0) {
    dst[offset] = src === null ? value : src[0];
    return;
  }
  const inner = shape[nd - 1];
  const is = strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let k = 0;
  for (;;) {
    if (src === null) for (let i = 0, p = base; i < inner; i++, p += is) dst[p] = value;
    else for (let i = 0, p = base; i < inner; i++, p += is) dst[p] = src[k++];
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
