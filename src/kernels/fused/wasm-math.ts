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
// checked over all 2^32 float32 inputs: every function is within 1 ulp.
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
 * which saves a round and a float-to-int conversion (six x64 instructions) per vector. The
 * rounding error of r is carried into q, so that expm1 can add r last.
 */
function reduceExp(b: Body, x: Expr): Reduced {
  const shifted = b.let(add(mul(x, c(LOG2E)), c(ROUNDER)));
  const k = b.let(sub(shifted, c(ROUNDER)));
  const r1 = b.let(sub(x, mul(k, c(LN2_HI))));
  const kLo = b.let(mul(k, c(LN2_LO)));
  const r = b.let(sub(r1, kLo));
  const rLo = sub(sub(r1, r), kLo);
  const q = b.let(add(rLo, mul(mul(r, r), horner(r, EXPM1_P))));
  return { ki: b.let(simdOp(S.i32x4Sub, shifted, i32x4c(0x4b400000))), r, q };
}

/** exp(x). Clamping to [-104, 88.8] keeps 2^k representable in two factors and still over/underflows. */
export function exp32(b: Body, x: Expr): Expr {
  const xc = b.let(clampLo(clampHi(x, 88.8), -104));
  const { ki, r, q } = reduceExp(b, xc);
  return b.let(scale(b, add(c(1), add(r, q)), ki));
}

/** exp(x) for x known to be in [0, 20] (tanh's use): no underflow, no overflow, one scale factor. */
function expSmall(b: Body, x: Expr): Expr {
  const { ki, r, q } = reduceExp(b, x);
  return b.let(mul(add(c(1), add(r, q)), pow2(ki)));
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

/**
 * Runs `body` when any lane of `mask` is set. Special inputs (zeros, negatives, infinities,
 * NaN, subnormals) are rare, so patching them behind a branch costs one test per vector
 * instead of a compare and a select per special case.
 */
function whenAny(b: Body, mask: Expr, body: () => void): void {
  simdOp(S.anyTrue, mask)(b);
  b.raw(0x04, 0x40); // if
  body();
  b.raw(0x0b);
}

/** log(x): -Infinity at +-0, NaN below 0, x itself for +Infinity and NaN. */
export function log32(b: Body, x: Expr): Expr {
  const xv = b.let(x);
  const res = b.local(V128);
  b.set(res, logCore(b, xv, null, false));
  const usual = and(simdOp(S.f32x4Ge, xv, c(TINY_NORMAL)), lt(xv, c(Infinity)));
  whenAny(b, simdOp(S.not, usual), () => {
    b.set(res, logCore(b, xv, null, true));
    b.set(res, pick(eq(xv, c(0)), c(-Infinity), get(res)));
    b.set(res, pick(lt(xv, c(0)), c(NaN), get(res)));
    b.set(res, pick(or(ne(xv, xv), eq(xv, c(Infinity))), xv, get(res)));
  });
  return get(res);
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
  const res = b.local(V128);
  b.set(res, logCore(b, u, corr, false));
  const usual = and(simdOp(S.f32x4Gt, u, c(0)), lt(u, c(Infinity)));
  whenAny(b, simdOp(S.not, usual), () => {
    b.set(res, pick(eq(xv, c(-1)), c(-Infinity), get(res)));
    b.set(res, pick(lt(xv, c(-1)), c(NaN), get(res)));
    b.set(res, pick(or(ne(xv, xv), eq(xv, c(Infinity))), xv, get(res)));
  });
  // log1p has the sign of x; or-ing it in gives log1p(-0) = -0, which the sums above lose.
  return b.let(or(get(res), and(xv, c(SIGN))));
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
  const e = expSmall(b, clampHi(add(a, a), 20));
  const large = sub(c(1), div(c(2), add(e, c(1))));
  const res = pick(lt(a, c(TANH_SPLIT)), small, large);
  return b.let(or(res, and(xv, c(SIGN))));
}
