// The standard normal CDF Φ, the one piece of exact GELU (x·Φ(x)) that np ops cannot compose.
// Registered under an nn-specific name so it cannot collide with scipy.special's ndtr/erf.
import { Tensor } from "../tensor/tensor.js";
import { multiply } from "./arith.js";
import { exp } from "./unary.js";
import { unaryOp } from "./define.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const INV_SQRT_PI = 0.5641895835477563;
const INV_SQRT_2PI = 0.3989422804014327;

/**
 * erf(x) for |x| < 2 from the series erf(x) = 2/√π · e^{-x²} · Σ_n x (2x²)^n / (1·3···(2n+1)),
 * whose terms are all positive (no cancellation); about 40 terms at |x| = 2.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x >= 2 from its continued fraction e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
 * evaluated with the modified Lentz method: accurate in the tail, where 1 - erf(x) would cancel.
 */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x, C = x, D = 0;
  for (let n = 1; n < 300; n++) {
    const a = n / 2;
    D = x + a * D;
    D = D === 0 ? 1 / tiny : 1 / D;
    C = x + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * Math.exp(-x * x)) / f;
}

function erfc(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  const tail = ax < 2 ? 1 - erfSeries(ax) : ax > 27 ? 0 : erfcFraction(ax);
  return x >= 0 ? tail : 2 - tail;
}

/** Φ(x) = erfc(-x/√2) / 2. */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}

/** Φ(x) elementwise; its derivative is the normal density, written in differentiable ops. */
export const normalCdfOp: (x: Tensor | number) => Tensor = unaryOp("gelu_normal_cdf", normalCdf, {
  out: "float",
  vjp: (g, _ans, x) => multiply(g, multiply(exp(multiply(multiply(x, x), -0.5)), INV_SQRT_2PI)),
});
