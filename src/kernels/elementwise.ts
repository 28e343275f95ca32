import type { TypedArray } from "../tensor/dtype.js";

/** Pure loops over typed arrays and strides; no tensors, no autodiff. */

export type Fn1 = (x: number) => number;
export type Fn2 = (x: number, y: number) => number;
export type Fn3 = (x: number, y: number, z: number) => number;

export function map1Contig(src: TypedArray, off: number, n: number, dst: TypedArray, fn: Fn1): void {
  (ownLoop(fn, "map1", n) ?? loop1Contig)(src, off, n, dst, fn);
}

function loop1Contig(src: TypedArray, off: number, n: number, dst: TypedArray, fn: Fn1): void {
  if (off === 0) for (let i = 0; i < n; i++) dst[i] = fn(src[i]);
  else for (let i = 0; i < n; i++) dst[i] = fn(src[off + i]);
}

/** In-place map over a contiguous destination (after a strided copy). */
export function map1InPlace(dst: TypedArray, n: number, fn: Fn1): void {
  (ownLoop(fn, "inPlace", n) ?? loop1InPlace)(dst, n, fn);
}

function loop1InPlace(dst: TypedArray, n: number, fn: Fn1): void {
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
  (ownLoop(fn, "map2", dst.length) ?? loop2Strided)(fn, a, offA, stA, b, offB, stB, shape, dst);
}

function loop2Strided(
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
  (ownLoop(fn, "map3", dst.length) ?? loop3Strided)(fn, ops, shape, dst);
}

function loop3Strided(
  fn: (x: number, y: number, z: number) => number,
  ops: { buf: TypedArray; off: number; st: readonly number[] }[],
  shape: readonly number[],
  dst: TypedArray,
): void {
  const nd = shape.length;
  let n = 1;
  for (let d = 0; d < nd; d++) n *= shape[d];
  if (n === 0) return;
  const A = ops[0].buf,
    B = ops[1].buf,
    C = ops[2].buf;
  const sA = ops[0].st,
    sB = ops[1].st,
    sC = ops[2].st;
  let pa = ops[0].off,
    pb = ops[1].off,
    pc = ops[2].off;
  if (nd === 0) {
    dst[0] = fn(A[pa], B[pb], C[pc]);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  const inner = shape[nd - 1];
  const ia = sA[nd - 1],
    ib = sB[nd - 1],
    ic = sC[nd - 1];
  let k = 0;
  for (;;) {
    if (ia === 1 && ib === 1 && ic === 1) for (let i = 0; i < inner; i++) dst[k++] = fn(A[pa + i], B[pb + i], C[pc + i]);
    else if (ia === 0 && ib === 1 && ic === 1) {
      // A fused VJP whose cotangent is a broadcast scalar (the gradient of a sum).
      const av = A[pa];
      for (let i = 0; i < inner; i++) dst[k++] = fn(av, B[pb + i], C[pc + i]);
    } else if (ia === 1 && ib === 0 && ic === 0) {
      // The common clip shape: an array between two scalar bounds.
      const bv = B[pb],
        cv = C[pc];
      for (let i = 0; i < inner; i++) dst[k++] = fn(A[pa + i], bv, cv);
    } else for (let i = 0, p = pa, q = pb, r = pc; i < inner; i++, p += ia, q += ib, r += ic) dst[k++] = fn(A[p], B[q], C[r]);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      pa += sA[d];
      pb += sB[d];
      pc += sC[d];
      if (idx[d] < shape[d]) break;
      pa -= sA[d] * shape[d];
      pb -= sB[d] * shape[d];
      pc -= sC[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** A per-element function that rounds its intermediates with `round` (see `map3Round`). */
export type Fn3Round = (x: number, y: number, z: number, round: Fn1) => number;

/**
 * out = fn(a, b, c, round) elementwise over `shape` with per-operand strides, for fused rules
 * whose intermediates must round like the ops they replace (Math.fround for float32). `round`
 * is passed in, not closed over, so each fused function stays one function with its own loop.
 */
export function map3Round(
  fn: Fn3Round,
  round: Fn1,
  A: TypedArray,
  pa: number,
  sA: readonly number[],
  B: TypedArray,
  pb: number,
  sB: readonly number[],
  C: TypedArray,
  pc: number,
  sC: readonly number[],
  shape: readonly number[],
  dst: TypedArray,
): void {
  (ownLoop(fn, "map3Round", dst.length) ?? loop3Round)(fn, round, A, pa, sA, B, pb, sB, C, pc, sC, shape, dst);
}

function loop3Round(
  fn: Fn3Round,
  round: Fn1,
  A: TypedArray,
  pa: number,
  sA: readonly number[],
  B: TypedArray,
  pb: number,
  sB: readonly number[],
  C: TypedArray,
  pc: number,
  sC: readonly number[],
  shape: readonly number[],
  dst: TypedArray,
): void {
  const nd = shape.length;
  let n = 1;
  for (let d = 0; d < nd; d++) n *= shape[d];
  if (n === 0) return;
  if (nd === 0) {
    dst[0] = fn(A[pa], B[pb], C[pc], round);
    return;
  }
  const idx = new Array<number>(nd).fill(0);
  const inner = shape[nd - 1];
  const ia = sA[nd - 1],
    ib = sB[nd - 1],
    ic = sC[nd - 1];
  let k = 0;
  for (;;) {
    if (ia === 1 && ib === 1 && ic === 1) {
      // Zero offsets (fresh arrays, the usual case) save an add per read.
      if (pa === 0 && pb === 0 && pc === 0 && k === 0) for (let i = 0; i < inner; i++) dst[i] = fn(A[i], B[i], C[i], round);
      else for (let i = 0; i < inner; i++) dst[k + i] = fn(A[pa + i], B[pb + i], C[pc + i], round);
      k += inner;
    } else if (ia === 0 && ib === 1 && ic === 1) {
      // The cotangent is a broadcast scalar (the gradient of a sum).
      const av = A[pa];
      for (let i = 0; i < inner; i++) dst[k++] = fn(av, B[pb + i], C[pc + i], round);
    } else for (let i = 0, p = pa, q = pb, r = pc; i < inner; i++, p += ia, q += ib, r += ic) dst[k++] = fn(A[p], B[q], C[r], round);
    let d = nd - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      pa += sA[d];
      pb += sB[d];
      pc += sC[d];
      if (idx[d] < shape[d]) break;
      pa -= sA[d] * shape[d];
      pb -= sB[d] * shape[d];
      pc -= sC[d] * shape[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

/** out[i] = fn(a[offA + i], b[offB + i]) for two contiguous operands of one shape. */
export function map2Contig(fn: Fn2, a: TypedArray, offA: number, b: TypedArray, offB: number, n: number, dst: TypedArray): void {
  (ownLoop(fn, "map2Contig", n) ?? loop2Contig)(fn, a, offA, b, offB, n, dst);
}

function loop2Contig(fn: Fn2, a: TypedArray, offA: number, b: TypedArray, offB: number, n: number, dst: TypedArray): void {
  if (offA === 0 && offB === 0) for (let i = 0; i < n; i++) dst[i] = fn(a[i], b[i]);
  else for (let i = 0; i < n; i++) dst[i] = fn(a[offA + i], b[offB + i]);
}

// ---- one copy of each loop per function ----
// A loop that calls `fn` per element is fast only while its call site sees a single function,
// which V8 then inlines; shared by every op, the site goes megamorphic and large arrays run 5-10x
// slower. So a function that keeps being used on large arrays gets copies of the loops of its
// own, compiled from the loops' source text (they close over nothing). Where generating code is
// forbidden (a Content-Security-Policy without 'unsafe-eval'), the shared loops serve.

const LOOPS = {
  map1: loop1Contig,
  inPlace: loop1InPlace,
  map2: loop2Strided,
  map2Contig: loop2Contig,
  map3: loop3Strided,
  map3Round: loop3Round,
};
type Loops = typeof LOOPS;

/** Below this many elements the call overhead dominates and sharing the loop costs little. */
const OWN_LOOP_MIN = 2048;
/** Large calls with one function before it gets its own loops: per-call closures never do. */
const OWN_LOOP_AFTER = 3;

interface OwnLoops {
  calls: number;
  loops: Partial<Loops>;
}

// Keyed weakly, so a per-call closure's entry goes with it.
const ownLoops = new WeakMap<object, OwnLoops>();
let codegen = true;
let copies = 0;

function ownLoop<K extends keyof Loops>(fn: object, kind: K, n: number): Loops[K] | null {
  if (n < OWN_LOOP_MIN || !codegen) return null;
  let entry = ownLoops.get(fn);
  if (entry === undefined) {
    entry = { calls: 0, loops: {} };
    ownLoops.set(fn, entry);
  }
  const have = entry.loops[kind];
  if (have !== undefined) return have as Loops[K];
  if (++entry.calls < OWN_LOOP_AFTER) return null;
  try {
    // The numbered comment makes every copy's source text unique: V8 caches compiled code by
    // source text, and copies from one cached source would share their call-site feedback
    // (and so go polymorphic again, deoptimize, and run unoptimized, boxing every element).
    const copy = new Function(`"use strict"; /* copy ${++copies} */ return (${LOOPS[kind].toString()});`)() as Loops[K];
    entry.loops[kind] = copy;
    return copy;
  } catch {
    codegen = false;
    return null;
  }
}

// ---- scalar functions NumPy defines differently from Math.* ----

/** Rounds half to even (NumPy's rint); -0.4 gives -0 and infinities pass through. */
export function rint(x: number): number {
  const r = Math.round(x);
  // Math.round sends halves up; at an exact half with an odd result, step back down to the even one.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Python's modulo: the result has the divisor's sign (a zero result too), NaN for a zero divisor. */
export function pyMod(x: number, y: number): number {
  const m = x % y;
  if (y === 0 || m !== m) return m;
  if (m !== 0) return m < 0 !== y < 0 ? m + y : m;
  return y < 0 ? -0 : 0;
}

/**
 * Python's floor division, consistent with `pyMod` (x == y * q + mod). Dividing exactly and then
 * flooring would misround: 1 // 0.1 is 9, though 1 / 0.1 rounds to 10.
 */
export function floorDiv(x: number, y: number): number {
  if (y === 0 || x === Infinity || x === -Infinity) return x / y;
  const m = x % y;
  let d = (x - m) / y;
  if (m !== 0 && m < 0 !== y < 0) d -= 1;
  if (d === 0) return x / y < 0 ? -0 : 0;
  const f = Math.floor(d);
  return d - f > 0.5 ? f + 1 : f;
}

/** log(exp(x) + exp(y)) without overflow. */
export function logaddexp(x: number, y: number): number {
  if (x === y) return x + Math.LN2; // also covers two equal infinities, where x - y is NaN
  const d = x - y;
  if (d > 0) return x + Math.log1p(Math.exp(-d));
  if (d <= 0) return y + Math.log1p(Math.exp(d));
  return NaN;
}

/** log2(2**x + 2**y) without overflow. */
export function logaddexp2(x: number, y: number): number {
  if (x === y) return x + 1;
  const d = x - y;
  if (d > 0) return x + Math.log1p(Math.pow(2, -d)) / Math.LN2;
  if (d <= 0) return y + Math.log1p(Math.pow(2, d)) / Math.LN2;
  return NaN;
}

/** sin(pi x) / (pi x), 1 at 0. */
export function sinc(x: number): number {
  if (x === 0) return 1;
  const y = Math.PI * x;
  return Math.sin(y) / y;
}

/** -1, 0 or 1, NaN for NaN (0 for -0, as NumPy). */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x;
}

/** NumPy's maximum/minimum propagate NaN; fmax/fmin ignore it. */
export function maximum(x: number, y: number): number {
  return x !== x || x > y ? x : y;
}
export function minimum(x: number, y: number): number {
  return x !== x || x < y ? x : y;
}
export function fmax(x: number, y: number): number {
  return y !== y || x > y ? x : y;
}
export function fmin(x: number, y: number): number {
  return y !== y || x < y ? x : y;
}

/** Clamps to [lo, hi] like NumPy's clip (minimum(maximum(x, lo), hi)): NaN anywhere propagates. */
export function clamp(x: number, lo: number, hi: number): number {
  const m = x !== x || x >= lo ? x : lo;
  return m !== m || m <= hi ? m : hi;
}
