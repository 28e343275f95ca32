import type { TypedArray } from "../tensor/dtype.js";

/** Pure loops over typed arrays and strides; no tensors, no autodiff. */

export type Fn1 = (x: number) => number;
export type Fn2 = (x: number, y: number) => number;

export function map1Contig(src: TypedArray, off: number, n: number, dst: TypedArray, fn: Fn1): void {
  for (let i = 0; i < n; i++) dst[i] = fn(src[off + i]);
}

/** In-place map over a contiguous destination (after a strided copy). */
export function map1InPlace(dst: TypedArray, n: number, fn: Fn1): void {
  for (let i = 0; i < n; i++) dst[i] = fn(dst[i]);
}

/**
 * out[idx] = fn(a[idx], b[idx]) over `shape`, with per-operand strides (0 on broadcast axes).
 * The innermost axis runs as a tight loop; outer axes advance with counters, no division.
 */
export function map2Strided(
  fn: Fn2,
  a: TypedArray,
  offA: number,
  stA: readonly number[],
  b: TypedArray,
  offB: number,
  stB: readonly number[],
  shape: readonly number[],
  dst: TypedArray,
): void {
  const nd = shape.length;
  let n = 1;
  for (let d = 0; d < nd; d++) n *= shape[d];
  if (n === 0) return;
  if (nd === 0) {
    dst[0] = fn(a[offA], b[offB]);
    return;
  }
  const inner = shape[nd - 1];
  const ia = stA[nd - 1];
  const ib = stB[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let pa = offA;
  let pb = offB;
  let k = 0;
  for (;;) {
    if (ia === 1 && ib === 1) for (let i = 0; i < inner; i++) dst[k++] = fn(a[pa + i], b[pb + i]);
    else if (ib === 0) {
      const bv = b[pb];
      for (let i = 0, p = pa; i < inner; i++, p += ia) dst[k++] = fn(a[p], bv);
    } else if (ia === 0) {
      const av = a[pa];
      for (let i = 0, q = pb; i < inner; i++, q += ib) dst[k++] = fn(av, b[q]);
    } else for (let i = 0, p = pa, q = pb; i < inner; i++, p += ia, q += ib) dst[k++] = fn(a[p], b[q]);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      pa += stA[d];
      pb += stB[d];
      if (idx[d] < shape[d]) break;
      pa -= stA[d] * shape[d];
      pb -= stB[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** out = fn(a, b, c) elementwise with broadcasting strides (for where/clip-like ternaries). */
export function map3Strided(
  fn: (x: number, y: number, z: number) => number,
  ops: { buf: TypedArray; off: number; st: readonly number[] }[],
  shape: readonly number[],
  dst: TypedArray,
): void {
  const nd = shape.length;
  let n = 1;
  for (let d = 0; d < nd; d++) n *= shape[d];
  if (n === 0) return;
  const [A, B, C] = ops;
  if (nd === 0) {
    dst[0] = fn(A.buf[A.off], B.buf[B.off], C.buf[C.off]);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  let pa = A.off,
    pb = B.off,
    pc = C.off;
  const inner = shape[nd - 1];
  const ia = A.st[nd - 1],
    ib = B.st[nd - 1],
    ic = C.st[nd - 1];
  let k = 0;
  for (;;) {
    for (let i = 0, p = pa, q = pb, r = pc; i < inner; i++, p += ia, q += ib, r += ic)
      dst[k++] = fn(A.buf[p], B.buf[q], C.buf[r]);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      pa += A.st[d];
      pb += B.st[d];
      pc += C.st[d];
      if (idx[d] < shape[d]) break;
      pa -= A.st[d] * shape[d];
      pb -= B.st[d] * shape[d];
      pc -= C.st[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
