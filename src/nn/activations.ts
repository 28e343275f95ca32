// Activation functions as compositions of np ops (so every derivative order comes for free),
// each written in the form that neither overflows nor cancels for large |x|.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError } from "../errors.js";
import { toTensor } from "../ops/args.js";
import { normalCdfOp } from "../ops/normal-cdf.js";
import { relu as reluOp } from "../ops/relu.js";
import { logSoftmaxOp } from "./log-softmax.js";
import { stopGradient } from "../transforms/control.js";
import * as np from "../np/index.js";

/** max(x, 0); the gradient at exactly 0 is 0, as in PyTorch. Integer input stays integer. */
export function relu(x: ArrayLike): Tensor {
  return reluOp(toTensor(x));
}

/** min(max(x, 0), 6). */
export function relu6(x: ArrayLike): Tensor {
  const t = toTensor(x);
  return np.where(np.greater(t, 0), np.where(np.less(t, 6), t, 6), 0);
}

/** x for x > 0, negativeSlope·x otherwise (default slope 0.01). */
export function leakyRelu(x: ArrayLike, negativeSlope: number | { negativeSlope?: number } = 0.01): Tensor {
  const slope = typeof negativeSlope === "number" ? negativeSlope : negativeSlope.negativeSlope ?? 0.01;
  const t = toTensor(x);
  return np.where(np.greater(t, 0), t, np.multiply(t, slope));
}

/** x for x > 0, alpha·(exp(x) - 1) otherwise (expm1 keeps small negative x accurate). */
export function elu(x: ArrayLike, alpha: number | { alpha?: number } = 1): Tensor {
  const a = typeof alpha === "number" ? alpha : alpha.alpha ?? 1;
  const t = toTensor(x);
  // The exponential only ever sees non-positive values, so the unused branch cannot overflow.
  return np.where(np.greater(t, 0), t, np.multiply(np.expm1(np.minimum(t, 0)), a));
}

/** 1 / (1 + exp(-x)) as exp(-softplus(-x)): no overflow, full relative accuracy in both tails. */
export function sigmoid(x: ArrayLike): Tensor {
  return np.exp(np.negative(np.logaddexp(0, np.negative(toTensor(x)))));
}

/** log(sigmoid(x)) = -log(1 + exp(-x)), stable for all x. */
export function logSigmoid(x: ArrayLike): Tensor {
  return np.negative(np.logaddexp(0, np.negative(toTensor(x))));
}

/** Hyperbolic tangent. */
export function tanh(x: ArrayLike): Tensor {
  return np.tanh(toTensor(x));
}

/** x·sigmoid(x) (SiLU, swish). */
export function silu(x: ArrayLike): Tensor {
  const t = toTensor(x);
  return np.multiply(t, sigmoid(t));
}

export interface SoftplusOptions {
  /** Sharpness: log(1 + exp(beta·x)) / beta (default 1). */
  beta?: number;
  /** Above beta·x > threshold the result is x itself, as in PyTorch (default 20). */
  threshold?: number;
}

/** log(1 + exp(beta·x)) / beta, computed as logaddexp(0, beta·x) / beta; linear above the threshold. */
export function softplus(x: ArrayLike, opts: SoftplusOptions = {}): Tensor {
  const beta = opts.beta ?? 1, threshold = opts.threshold ?? 20;
  const t = toTensor(x);
  const bx = beta === 1 ? t : np.multiply(t, beta);
  const smooth = np.logaddexp(0, bx);
  return np.where(np.greater(bx, threshold), t, beta === 1 ? smooth : np.divide(smooth, beta));
}

const SQRT_2_OVER_PI = 0.7978845608028654;

/**
 * GELU: x·Φ(x) with Φ the standard normal CDF (approximate "none", PyTorch's default), or the
 * tanh approximation 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³))) with approximate "tanh".
 */
export function gelu(x: ArrayLike, opts: { approximate?: "none" | "tanh" } = {}): Tensor {
  const t = toTensor(x);
  const mode = opts.approximate ?? "none";
  if (mode === "none") return np.multiply(t, normalCdfOp(t));
  if (mode !== "tanh") throw new ArgumentError(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(mode)}`);
  const inner = np.multiply(np.add(t, np.multiply(np.multiply(np.multiply(t, t), t), 0.044715)), SQRT_2_OVER_PI);
  return np.multiply(np.multiply(t, 0.5), np.add(np.tanh(inner), 1));
}

/** Reads softmax's axis (default -1, the last axis, unlike PyTorch's deprecated implicit choice). */
function readAxis(axis: number | { axis?: number } | undefined): number {
  if (axis === undefined) return -1;
  return typeof axis === "number" ? axis : axis.axis ?? -1;
}

/** exp(x) / Σ exp(x) along `axis` (default -1), shifted by the maximum so it cannot overflow. */
export function softmax(x: ArrayLike, axis?: number | { axis?: number }): Tensor {
  const t = asFloat(toTensor(x));
  const ax = readAxis(axis);
  const m0 = stopGradient(np.max(t, { axis: ax, keepdims: true }));
  const e = np.exp(np.subtract(t, np.where(np.isfinite(m0), m0, 0)));
  return np.divide(e, np.sum(e, { axis: ax, keepdims: true }));
}

/** x - log Σ exp(x) along `axis` (default -1), as one primitive (see log-softmax.ts). */
export function logSoftmax(x: ArrayLike, axis?: number | { axis?: number }): Tensor {
  return logSoftmaxOp(asFloat(toTensor(x)), readAxis(axis));
}

/** Integer and bool inputs are promoted to float64, as NumPy's exp would. */
export function asFloat(t: Tensor): Tensor {
  return t.dtype === "float32" || t.dtype === "float64" ? t : np.astype(t, "float64");
}
