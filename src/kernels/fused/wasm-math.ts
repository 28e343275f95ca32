// Vectorized float32 math for the fused Wasm kernels: exp, expm1, log, log1p and tanh on four
// f32 lanes, emitted inline as expression trees (wasm-emit.ts). Each function returns results
// within 2 ulp of Math.fround(Math.f(x)) for every float32 x, subnormals included, with the
// special values of Math.f (the sweep in test/kernels/fused-wasm.test.ts checks this).
//
// How: range reduction to a small interval, a polynomial there, reconstruction with exponent-bit
// arithmetic; special inputs are patched at the end with lane selects, since a SIMD lane cannot
// branch. The polynomial coefficients were fitted by us in float64 (weighted least squares
// with Lawson reweighting towards minimax, on Chebyshev nodes, against mpmath values), then
// rounded to float32; the log series uses the exact Taylor coefficients of 2 atanh(s). Wasm
// min/max propagate NaN, which the clamps below rely on to carry NaN through.
import { Body, Expr, S, f32x4c, i32x4c, simdOp } from "./wasm-emit.js";

const add = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Add, a, b);
const sub = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Sub, a, b);
const mul = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Mul, a, b);
const div = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Div, a, b);
const min = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Min, a, b);
const max = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Max, a, b);
const lt = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Lt, a, b);
const eq = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Eq, a, b);
const ne = (a: Expr, b: Expr): Expr => simdOp(S.f32x4Ne, a, b);
const and = (a: Expr, b: Expr): Expr => simdOp(S.and, a, b);
const or = (a: Expr, b: Expr): Expr => simdOp(S.or, a, b);
/** Lanes of `a` where `mask` is set, else of `b`. */
const pick = (mask: Expr, a: Expr, b: Expr): Expr => simdOp(S.bitselect, a, b, mask);
const c = f32x4c;

const LOG2E = 1.4426950408889634;
/** ln 2 = LN2_HI + LN2_LO; LN2_HI has 16 significant bits, so k * LN2_HI is exact for |k| < 256. */
const LN2_HI = 45426 / 65536;
const LN2_LO = Math.fround(Math.LN2 - LN2_HI);
const SIGN = -0; // f32 bits 0x80000000
const TINY_NORMAL = 2 ** -126;

/** expm1(r) - r - r^2 P(r) is under 4e-9 relative for |r| <= ln2 / 2 (P fitted, degree 4). */
const EXPM1_P = [0.4999999403953552, 0.1666652113199234, 0.04166838899254799, 0.008368710055947304, 0.0013814610429108143];
/** (tanh(x) - x) / x^3 = T(x^2) within 9e-9 relative (of tanh) for |x| <= 0.625 (T fitted, degree 4). */
const TANH_T = [-0.3333328068256378, 0.13331441581249237, -0.05373971164226532, 0.020639078691601753, -0.005704978480935097];
/** Below this |x|, tanh uses its odd polynomial; above, 1 - 2 / (exp(2|x|) + 1). */
const TANH_SPLIT = 0.625;

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
  /** round(x / ln2) as float lanes and as int32 lanes. */
  k: Expr;
  ki: Expr;
  /** expm1(r) for r = x - k ln2, |r| <= ln2 / 2 (a hair more where x / ln2 rounds at a tie). */
  p: Expr;
}

/** The shared core of exp and expm1: x = k ln2 + r, expm1(r) by polynomial. */
function reduceExp(b: Body, x: Expr): Reduced {
  const k = b.let(simdOp(S.f32x4Nearest, mul(x, c(LOG2E))));
  const r = b.let(sub(sub(x, mul(k, c(LN2_HI))), mul(k, c(LN2_LO))));
  const p = b.let(add(r, mul(mul(r, r), horner(r, EXPM1_P))));
  return { k, ki: b.let(simdOp(S.i32x4TruncSatF32x4S, k)), p };
}

/** exp(x). Clamping to [-104, 88.8] keeps 2^k representable in two factors and still over/underflows. */
export function exp32(b: Body, x: Expr): Expr {
  const xc = b.let(max(min(x, c(88.8)), c(-104)));
  const { ki, p } = reduceExp(b, xc);
  return b.let(scale(b, add(c(1), p), ki));
}

/** exp(x) for x known to be in [0, 20] (tanh's use): no underflow, no overflow, one scale factor. */
function expSmall(b: Body, x: Expr): Expr {
  const { ki, p } = reduceExp(b, x);
  return b.let(mul(add(c(1), p), pow2(ki)));
}

/**
 * expm1(x) = 2^k (expm1(r) + 1) - 1, computed as 2^k expm1(r) + (2^k - 1) (both terms exact
 * up to the last rounding) while 2^k - 1 is exact (k <= 24); past that the -1 no longer shows.
 * Below -30 the result is -1 in float32. expm1 keeps the sign of x, which also gives expm1(-0) = -0.
 */
export function expm1_32(b: Body, x: Expr): Expr {
  const xc = b.let(max(min(x, c(88.8)), c(-30)));
  const { ki, p } = reduceExp(b, xc);
  const s = b.let(pow2(simdOp(S.i32x4MinS, ki, i32x4c(24))));
  const near = add(mul(s, p), sub(s, c(1)));
  const far = scale(b, add(p, c(1)), ki);
  const res = pick(simdOp(S.i32x4GtS, ki, i32x4c(24)), far, near);
  return b.let(or(res, and(x, c(SIGN))));
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

/** log(x): -Infinity at +-0, NaN below 0, x itself for +Infinity and NaN. */
export function log32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  let res = b.let(logCore(b, xv, null, true));
  res = b.let(pick(eq(xv, c(0)), c(-Infinity), res));
  res = b.let(pick(lt(xv, c(0)), c(NaN), res));
  return b.let(pick(or(ne(xv, xv), eq(xv, c(Infinity))), xv, res));
}

/**
 * log1p(x) = log(u) + log(1 + c) with u = 1 + x rounded and c = (x - (u - 1)) / u the part of x
 * the rounding lost (u - 1 is exact for u < 2^24, and c is negligible past that). u >= 2^-24,
 * never subnormal. -Infinity at -1, NaN below, x itself for +Infinity and NaN.
 */
export function log1p32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  const u = b.let(add(c(1), xv));
  const corr = div(sub(xv, sub(u, c(1))), u);
  let res = b.let(logCore(b, u, corr, false));
  res = b.let(pick(eq(xv, c(-1)), c(-Infinity), res));
  res = b.let(pick(lt(xv, c(-1)), c(NaN), res));
  return b.let(pick(or(ne(xv, xv), eq(xv, c(Infinity))), xv, res));
}

/**
 * tanh(x) = sign(x) tanh(|x|): an odd polynomial below TANH_SPLIT, 1 - 2 / (exp(2|x|) + 1)
 * above, where that subtraction loses nothing (the quotient is under 1/2). tanh(|x|) rounds to
 * 1 from |x| = 9.01, so 2|x| is clamped to 20. The sign is or-ed back in, keeping tanh(-0) = -0.
 */
export function tanh32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  const a = b.let(simdOp(S.f32x4Abs, xv));
  const u = b.let(mul(a, a));
  const small = add(a, mul(a, mul(u, horner(u, TANH_T))));
  const e = expSmall(b, min(add(a, a), c(20)));
  const large = sub(c(1), div(c(2), add(e, c(1))));
  const res = pick(lt(a, c(TANH_SPLIT)), small, large);
  return b.let(or(res, and(xv, c(SIGN))));
}
