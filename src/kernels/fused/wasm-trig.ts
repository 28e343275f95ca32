// sin and cos of four float32 lanes for the fused Wasm kernels, within 1 ulp of
// Math.fround(Math.sin(x)) (and cos). The lanes are widened to two float64x2 halves: there the
// reduction x - k pi/2 is exact enough for every |x| <= TRIG_FAST_MAX (pi/2 in three float64
// parts, the first with 36 significant bits so that k * P1 is exact), and the Taylor series of
// sin and cos on [-pi/4, pi/4], to r^11 and r^12, are far more accurate than float32 needs, so
// rounding to float32 at the end gives the correctly rounded result but for rare near-ties.
// A vector with a lane beyond that (huge, infinite or NaN) is recomputed lane by lane with the
// imported Math.sin / Math.cos, which is exactly the reference; such inputs are rare.
import { Body, Expr, S, V128, f32x4c, f64x2c, i32x4v, lowHalves, simdOp, swapHalves } from "./wasm-emit.js";

const TRIG_FAST_MAX = 1e5;
const TWO_OVER_PI = 2 / Math.PI;
/**
 * pi/2 = P1 + P2 + P3: P1 to 36 significant bits (k * P1 exact for |k| < 2^16), P2 and P3 the
 * next 53 bits each (computed with mpmath: float64's Math.PI / 2 alone is 1e-16 off, which
 * k ~ 6e4 turns into several ulp of a cos near one of its zeros). P2 is rounded down so that
 * all three are positive: subtracting k * P3 = +0 keeps r = -0 for x = -0, so sin(-0) = -0.
 */
const P1 = 1.5707963267923333;
const P2 = 2.5633441515945185e-12;
const P3 = 2.9038559739793605e-28;
/** 1.5 * 2^52: adding it rounds to an integer and leaves it in the low mantissa bits. */
const ROUNDER64 = 6755399441055744;
/** Taylor coefficients: sin r = r (1 - z S(z)), cos r = 1 - z/2 + z^2 C(z), z = r^2. */
const SIN_S = [1 / 6, -1 / 120, 1 / 5040, -1 / 362880, 1 / 39916800];
const COS_C = [1 / 24, -1 / 720, 1 / 40320, -1 / 3628800, 1 / 479001600];

const add = (a: Expr, b: Expr): Expr => simdOp(S.f64x2Add, a, b);
const sub = (a: Expr, b: Expr): Expr => simdOp(S.f64x2Sub, a, b);
const mul = (a: Expr, b: Expr): Expr => simdOp(S.f64x2Mul, a, b);
const c = f64x2c;

function horner(x: Expr, coef: number[]): Expr {
  let acc: Expr = c(coef[coef.length - 1]);
  for (let i = coef.length - 2; i >= 0; i--) acc = add(c(coef[i]), mul(x, acc));
  return acc;
}

/** sin (or cos) of two float64 lanes holding float32 values with |x| <= TRIG_FAST_MAX. */
function half(b: Body, x: Expr, cos: boolean): Expr {
  const shifted = b.let(add(mul(x, c(TWO_OVER_PI)), c(ROUNDER64)));
  const k = b.let(sub(shifted, c(ROUNDER64)));
  const r = b.let(sub(sub(sub(x, mul(k, c(P1))), mul(k, c(P2))), mul(k, c(P3))));
  const z = b.let(mul(r, r));
  // As a product, so that sin(-0) = -0 (a sum r + t gives +0 for r = -0 whatever the zero t);
  // its extra float64 rounding is invisible in float32.
  const s = b.let(mul(r, sub(c(1), mul(z, horner(z, SIN_S)))));
  const co = b.let(add(sub(c(1), mul(c(0.5), z)), mul(mul(z, z), horner(z, COS_C))));
  // The quadrant k mod 4 is in the low bits of `shifted`; cos(x) = sin(x + pi/2) adds one.
  const q = b.let(cos ? simdOp(S.i64x2Add, shifted, i32x4v([1, 0, 1, 0])) : shifted);
  const one = i32x4v([1, 0, 1, 0]);
  const odd = simdOp(S.i64x2Eq, simdOp(S.and, q, one), one);
  const v = simdOp(S.bitselect, co, s, odd);
  const flip = simdOp(S.and, simdOp(S.i64x2Shl, q, (bb) => bb.raw(0x41, 62)), c(-0));
  return b.let(simdOp(S.xor, v, flip));
}

/** sin(x) or cos(x) of four float32 lanes. */
export function trig32(b: Body, x: Expr, cos: boolean): Expr {
  const xv = b.let(x);
  const lo = half(b, simdOp(S.f64x2PromoteLowF32x4, xv), cos);
  const hi = half(b, simdOp(S.f64x2PromoteLowF32x4, swapHalves(xv)), cos);
  const res = b.local(V128);
  b.set(res, lowHalves(simdOp(S.f32x4DemoteF64x2Zero, lo), simdOp(S.f32x4DemoteF64x2Zero, hi)));
  // if any lane is not within the fast range (NaN compares false): every lane through Math.*.
  const inRange = simdOp(S.f32x4Le, simdOp(S.f32x4Abs, xv), f32x4c(TRIG_FAST_MAX));
  b.quietly(() => {
    simdOp(S.anyTrue, simdOp(S.not, inRange))(b);
    b.raw(0x04, 0x40); // if
    const fn = b.importIndex(cos ? "cos" : "sin");
    for (let lane = 0; lane < 4; lane++) {
      b.push(res);
      xv(b);
      b.simd(S.f32x4ExtractLane);
      b.raw(lane, 0xbb, 0x10); // f64.promote_f32, call
      b.raw(fn, 0xb6); // f32.demote_f64
      b.simd(S.f32x4ReplaceLane);
      b.raw(lane);
      b.pop(res);
    }
    b.raw(0x0b);
  });
  return (bb) => bb.push(res);
}
