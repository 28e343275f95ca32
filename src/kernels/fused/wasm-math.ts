// Vectorized float32 math for the fused Wasm kernels: exp, expm1, log, log1p and tanh on four
// f32 lanes, emitted inline as expression trees (wasm-emit.ts). Each function returns results
// within 2 ulp of Math.fround(Math.f(x)) for every float32 x, subnormals included, with the
// special values of Math.f (the sweep in test/kernels/fused-wasm.test.ts checks this).
//
// How: range reduction to a small interval, a polynomial there, reconstruction with exponent-bit
// arithmetic; special inputs are patched at the end with lane selects (a SIMD lane cannot
// branch), or, for log and log1p, behind one branch taken only by a vector that holds one.
// The polynomial coefficients were fitted by us in float64 (weighted least squares with Lawson
// reweighting towards minimax, on Chebyshev nodes, against mpmath values), then rounded to
// float32; the log series uses the exact Taylor coefficients of 2 atanh(s). The ulp bounds were
// checked over all 2^32 float32 inputs: exp, expm1, log and log1p are within 1 ulp, tanh 2.
import { Body, Expr, S, V128, f32x4c, get, i32x4c, simdOp } from "./wasm-emit.js";

const add = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Add, a, b);
const sub = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Sub, a, b);
const mul = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Mul, a, b);
const div = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Div, a, b);
const c = f32x4c;
/**
 * Clamps: Wasm's pseudo-min/max (b < a ? b : a, a < b ? b : a) are one x64 instruction each,
 * where min/max cost about seven; with the bound second they still return a NaN x unchanged.
 */
const clampHi = (x: Expr, hi: number): Expr => simdOp(S.f32x4Pmin, x, c(hi));
const clampLo = (x: Expr, lo: number): Expr => simdOp(S.f32x4Pmax, x, c(lo));
const lt = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Lt, a, b);
const eq = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Eq, a, b);
const ne = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Ne, a, b);
const and = (a: Expr, b: Expr): Expr => simdOp(S.and, a, b);
const or = (a: Expr, b: Expr): Expr => simdOp(S.or, a, b);
/** |x| and x's sign bit, through the masks in memory when the kernel has them (Body.f32Masks). */
const fabs = (b: Body, x: Expr): Expr => (b.f32Masks !== null ? and(x, b.f32Masks.abs) : simdOp(S.f32x4Abs, x));
const signOf = (b: Body, x: Expr): Expr => and(x, b.f32Masks !== null ? b.f32Masks.sign : c(SIGN));
/** Lanes of `a` where `mask` is set, else of `b`. */
const pick = (mask: Expr, a: Expr, b: Expr): Expr => simdOp(S.bitselect, a, b, mask);

const LOG2E = 1.4426950408889634;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 16 significant bits, so k * LN2_HI is exact for |k| < 256. */
const LN2_HI = 45426 / 65536;
const LN2_LO = Math.fround(Math.LN2 - LN2_HI);
/** Only the sign bit set (float32 bits 0x80000000). */
const SIGN = -0;
/** 1.5 * 2^23: float32 values near it are spaced 1 apart. */
const ROUNDER = 12582912;
const TINY_NORMAL = 2 ** -126;
/** Below this |x|, tanh goes through expm1(-2|x|), above through expm1(2|x|). */
const TANH_SPLIT = 0.1733;

/** expm1(r) - r - r^2 P(r) is under 4e-9 relative for |r| <= ln2 / 2 (P fitted, degree 4). */
const EXPM1_P = [0.4999999403953552, 0.1666652113199234, 0.04166838899254799, 0.008368710055947304, 0.0013814610429108143];
function horner(x: Expr, coef: number[]): Expr {
  let acc: Expr = c(coef[coef.length - 1]);
  for (let i = coef.length - 2; i >= 0; i--) acc = add(c(coef[i]), mul(x, acc));
  return acc;
}

/** 2^k as float32 bits, for integer lanes k in [-126, 127]. */
function pow2(k: Expr): Expr {
  return simdOp(S.i32x4Shl, simdOp(S.i32x4Add, k, i32x4c(127)), (b) => b.raw(0x41, 23));
}

/** x scaled by 2^k for integer lanes k in [-252, 254], rounding once (so subnormal results are right). */
function scale(b: Body, x: Expr, k: Expr): Expr {
  const k1 = b.let(simdOp(S.i32x4ShrS, k, (bb) => bb.raw(0x41, 1)));
  return mul(mul(x, pow2(k1)), pow2(simdOp(S.i32x4Sub, k, k1)));
}

interface Reduced {
  /** round(x / ln2) as int32 lanes. */
  ki: Expr;
  /** r = x - k ln2 rounded, |r| <= ln2 / 2 (a hair more where x / ln2 rounds at a tie). */
  r: Expr;
  /** expm1(r + the rounding error of r) - r, which is small: r + q is expm1 of the exact remainder. */
  q: Expr;
}

/**
 * The shared core of exp and expm1: x = k ln2 + r, expm1(r) by polynomial. Adding 1.5 * 2^23
 * rounds x / ln2 to an integer (ties to even) and leaves that integer in the low mantissa bits,
 * which saves a round and a float-to-int conversion (six x64 instructions) per vector. With
 * `carry`, the rounding error of r is carried into q, so that expm1 can add r last. exp and
 * tanh do without it (three instructions fewer per vector): r's rounding, under 2^-26, costs
 * exp at most a fifth of an ulp, and tanh's lanes with k != 0 (|x| > 0.173) stay within its
 * 2 ulp (measured over all float32); below, k = 0 and r is exact anyway.
 */
function reduceExp(b: Body, x: Expr, carry = true): Reduced {
  const shifted = b.let(add(mul(x, c(LOG2E)), c(ROUNDER)));
  const k = b.let(sub(shifted, c(ROUNDER)));
  const r1 = b.let(sub(x, mul(k, c(LN2_HI))));
  const kLo = b.let(mul(k, c(LN2_LO)));
  const r = b.let(sub(r1, kLo));
  // Estrin's scheme: (P0 + P1 r) + r^2 ((P2 + P3 r) + r^2 P4), as many ops as Horner's but
  // a dependency chain of three multiply-adds instead of five, sharing r^2 with the q term.
  const r2 = b.let(mul(r, r));
  const [p0, p1, p2, p3, p4] = EXPM1_P;
  const P = add(add(c(p0), mul(c(p1), r)), mul(r2, add(add(c(p2), mul(c(p3), r)), mul(r2, c(p4)))));
  const poly = mul(r2, P);
  const q = b.let(carry ? add(sub(sub(r1, r), kLo), poly) : poly);
  return { ki: b.let(simdOp(S.i32x4Sub, shifted, i32x4c(0x4b400000))), r, q };
}

/**
 * exp(x). For x in [-86.6, 88.72] the result p 2^k is normal (k in [-125, 128], p = exp(r) in
 * [0.7, 1.42], and p < 1 when k = 128), so 2^k is applied by adding k to p's exponent bits: two
 * integer ops. A vector holding anything else (NaN included) is recomputed behind a branch with
 * x clamped to [-104, 88.8], which keeps 2^k representable in two factors and still over- and
 * underflows, the factors applied one after the other so that subnormal results round once.
 */
export function exp32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  const { ki, r, q } = reduceExp(b, xv, false);
  const res = b.local(V128);
  b.set(res, simdOp(S.i32x4Add, add(c(1), add(r, q)), simdOp(S.i32x4Shl, ki, (bb) => bb.raw(0x41, 23))));
  unlessAll(b, and(simdOp(S.f32x4Ge, xv, c(-86.6)), simdOp(S.f32x4Le, xv, c(88.72))), () => {
    const xc = b.let(clampLo(clampHi(xv, 88.8), -104));
    const w = reduceExp(b, xc, false);
    b.set(res, scale(b, add(c(1), add(w.r, w.q)), w.ki));
  });
  return get(res);
}

/**
 * expm1(x) = 2^k (expm1(r) + 1) - 1, computed as ((2^k - 1) + 2^k r) + 2^k q while 2^k - 1 is
 * exact (k <= 24): the first sum rounds once, and q is small, so the result is within about one
 * rounding of exact even where |2^k r| is near |2^k - 1|. Past k = 24 the -1 no longer shows.
 * Below -30 the result is -1 in float32. expm1 keeps the sign of x, which also gives expm1(-0) = -0.
 */
export function expm1_32(b: Body, x: Expr): Expr {
  const xc = b.let(clampLo(clampHi(x, 88.8), -30));
  const { ki, r, q } = reduceExp(b, xc);
  const s = b.let(pow2(simdOp(S.i32x4MinS, ki, i32x4c(24))));
  const near = add(add(sub(s, c(1)), mul(s, r)), mul(s, q));
  const far = scale(b, add(add(r, q), c(1)), ki);
  const res = pick(simdOp(S.i32x4GtS, ki, i32x4c(24)), far, near);
  return b.let(or(res, signOf(b, x)));
}

/**
 * log(u) + corr for u > 0 (normal or subnormal; other lanes give garbage that the caller
 * replaces): u = 2^e m with m in [sqrt(1/2), sqrt(2)), f = m - 1 (exact), and
 * log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with s = f / (2 + f), R from the atanh series.
 */
function logCore(b: Body, u: Expr, corr: Expr | null, subnormal: boolean): Expr {
  let ub = u;
  let eAdj: Expr | null = null;
  if (subnormal) {
    const sub_ = b.let(lt(u, c(TINY_NORMAL)));
    ub = b.let(pick(sub_, mul(u, c(2 ** 23)), u));
    eAdj = and(sub_, i32x4c(-23));
  }
  // Offsetting the bits by those of sqrt(1/2) puts the exponent boundary at sqrt(1/2).
  const ix = b.let(simdOp(S.i32x4Add, ub, i32x4c(0x3f800000 - 0x3f3504f3)));
  let ei: Expr = simdOp(S.i32x4Sub, simdOp(S.i32x4ShrS, ix, (bb) => bb.raw(0x41, 23)), i32x4c(127));
  if (eAdj !== null) ei = simdOp(S.i32x4Add, ei, eAdj);
  const e = b.let(simdOp(S.f32x4ConvertI32x4S, ei));
  const m = simdOp(S.i32x4Add, and(ix, i32x4c(0x007fffff)), i32x4c(0x3f3504f3));
  const f = b.let(sub(m, c(1)));
  const s = b.let(div(f, add(c(2), f)));
  const z = b.let(mul(s, s));
  const R = mul(z, horner(z, [2 / 3, 2 / 5, 2 / 7, 2 / 9]));
  const hfsq = b.let(mul(mul(c(0.5), f), f));
  let low: Expr = mul(e, c(LN2_LO));
  if (corr !== null) low = add(low, corr);
  // Small terms first, then f, then the exact e * LN2_HI: the big parts are added last.
  const tail = sub(hfsq, add(mul(s, add(hfsq, R)), low));
  return add(mul(e, c(LN2_HI)), sub(f, tail));
}

/**
 * Runs `body` unless every lane of `mask` is set; `body` must only patch lanes (its results equal
 * the fast path's where `mask` is set), see Body.patchBranch. Special inputs (zeros, negatives,
 * infinities, NaN, subnormals) are rare, so patching them behind a branch costs one test per
 * vector instead of a compare and a select per special case. The test is i32x4.bitmask (one
 * movmskps on x64) against 15, which V8 turns into a compare-and-branch, where
 * v128.any_true of the negated mask costs a vector not, a ptest, a setcc and a test.
 */
function unlessAll(b: Body, mask: Expr, body: () => void): void {
  b.patchBranch(() => {
    simdOp(S.i32x4Bitmask, mask)(b);
    b.raw(0x41, 15, 0x47); // i32.const 15; i32.ne
  }, body);
}

/** log(x): -Infinity at +-0, NaN below 0, x itself for +Infinity and NaN. */
export function log32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  const res = b.local(V128);
  b.set(res, logCore(b, xv, null, false));
  const usual = and(simdOp(S.f32x4Ge, xv, c(TINY_NORMAL)), lt(xv, c(Infinity)));
  unlessAll(b, usual, () => {
    b.set(res, logCore(b, xv, null, true));
    b.set(res, pick(eq(xv, c(0)), c(-Infinity), get(res)));
    b.set(res, pick(lt(xv, c(0)), c(NaN), get(res)));
    b.set(res, pick(or(ne(xv, xv), eq(xv, c(Infinity))), xv, get(res)));
  });
  return get(res);
}

/**
 * log1p(x) = e ln2 + log(1 + f) with u = 1 + x rounded = 2^e m, m in [0.75, 1.5), and
 * f = (1 + x) 2^-e - 1 computed as x 2^-e + (2^-e - 1) from x itself (both scalings by 2^-e are
 * exponent-bit arithmetic). That sum is exact for e <= 24 (the operands share a binade's grid
 * and f lies in [-0.25, 0.5]), so the part of x lost in rounding 1 + x is kept without the
 * division log(u) + (x - (u - 1)) / u needs; past e = 24 its error is far below the result's ulp.
 * log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)), s = f / (2 + f), |s| <= 1/5; four atanh terms
 * (the next, 2 s^11 / 11, is under 0.16 ulp of the result).
 * -e is formed as an integer before conversion so that e = 0 gives +0 and the final
 * f-part - (-e) ln2 keeps the sign of f: log1p(-0) = -0 with no extra sign fix.
 * -Infinity at -1, NaN below, x itself for +Infinity and NaN (one branch, taken by a vector
 * holding one of them).
 */
export function log1p32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  const u = b.let(add(c(1), xv));
  const eb = b.let(and(simdOp(S.i32x4Sub, u, i32x4c(0x3f400000)), i32x4c(0xff800000 | 0)));
  const xs = simdOp(S.i32x4Sub, xv, eb);
  // 2^-e; at e = 128 (u >= 1.5 2^127) these bits are -Infinity, and the clamp makes it 0.
  const sc = clampLo(simdOp(S.i32x4Sub, i32x4c(0x3f800000), eb), 0);
  // x 2^-e - (1 - 2^-e) rather than + (2^-e - 1): -0 - +0 keeps log1p(-0)'s sign, -0 + +0 would not.
  const f = b.let(sub(xs, sub(c(1), sc)));
  const negE = b.let(simdOp(S.f32x4ConvertI32x4S, simdOp(S.i32x4ShrS, simdOp(S.i32x4Sub, i32x4c(0), eb), (bb) => bb.raw(0x41, 23))));
  const s = b.let(div(f, add(c(2), f)));
  const z = b.let(mul(s, s));
  const R = mul(z, horner(z, [2 / 3, 2 / 5, 2 / 7, 2 / 9]));
  const hfsq = b.let(mul(mul(c(0.5), f), f));
  const tail = sub(hfsq, sub(mul(s, add(hfsq, R)), mul(negE, c(LN2_LO))));
  const res = b.local(V128);
  b.set(res, sub(sub(f, tail), mul(negE, c(LN2_HI))));
  // 0 < u < Infinity exactly when bits(u) + 2^23 > 2^23 as int32: zero and negatives (whose
  // sums stay <= 2^23 or wrap negative), +Infinity and NaN (which wrap negative) fail.
  const usual = simdOp(S.i32x4GtS, simdOp(S.i32x4Add, u, i32x4c(0x00800000)), i32x4c(0x00800000));
  unlessAll(b, usual, () => {
    b.set(res, pick(eq(xv, c(-1)), c(-Infinity), get(res)));
    b.set(res, pick(lt(xv, c(-1)), c(NaN), get(res)));
    b.set(res, pick(or(ne(xv, xv), eq(xv, c(Infinity))), xv, get(res)));
  });
  return get(res);
}

/**
 * tanh(|x|) = |E / (E + 2)| with E = expm1(y), y = -2|x| below TANH_SPLIT and 2|x| above,
 * computed like expm1's `near` form: one reduction, one polynomial and one division for every
 * lane (an odd polynomial below a split plus exp above computed both). Below the split k = 0,
 * so r = y exactly and E + 2 lies in (1, 2], where its rounding costs half as much as in [2, 4);
 * above it, E's relative error reaches the quotient damped by 2 / (E + 2). Measured over all
 * float32: 2 ulp (with E = expm1(2|x|) everywhere, 3; with the split at k = -1 lanes, 3).
 * tanh(|x|) rounds to 1 from |x| = 9.01, so y is clamped to +-18.5 (|k| <= 27: s - 1 rounds there,
 * by a part in 2^25 that the quotient cannot show). Subnormal x: E = y exactly, |E / 2| = |x|.
 * The sign is or-ed back in (x xor |x|), keeping tanh(-0) = -0; NaN stays NaN (the clamps
 * return it, and so does every op after them).
 */
export function tanh32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  const a = b.let(fabs(b, xv));
  const sgnY = b.let(signOf(b, lt(a, c(TANH_SPLIT))));
  const y = mul(clampHi(a, 9.25), simdOp(S.xor, c(2), sgnY));
  const { ki, r, q } = reduceExp(b, y, false);
  const s = b.let(pow2(ki));
  const em1 = b.let(add(add(sub(s, c(1)), mul(s, r)), mul(s, q)));
  const res = fabs(b, div(em1, add(em1, c(2))));
  return b.let(or(res, simdOp(S.xor, xv, a)));
}
