// Losses in PyTorch's conventions (class axis 1, `reduction` "mean" | "sum" | "none"), composed
// of np ops and the stable activations.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { toTensor } from "../ops/args.js";
import { shapesEqual } from "../tensor/shape.js";
import * as np from "../np/index.js";
import { asFloat, logSoftmax } from "./activations.js";

export type Reduction = "mean" | "sum" | "none";

function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  const r = reduction ?? "mean";
  if (r === "none") return loss;
  if (r === "sum") return np.sum(loss);
  if (r === "mean") return np.mean(loss);
  throw new ArgumentError(`${op}: reduction must be "mean", "sum" or "none", got ${JSON.stringify(r)}`);
}

export interface NllOptions {
  /** A rescaling weight per class, shape (C,). */
  weight?: ArrayLike | null;
  /** Targets equal to this class contribute nothing (and are left out of the mean). Default -100. */
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * Negative log-likelihood of class-index targets: -weight[t]·logp[n, t, ...]. `logp` is (N, C),
 * (N, C, d1, ...) or (C,); `target` int32 of the shape without the class axis. The mean divides
 * by the summed weights of the targets that count, as PyTorch does.
 */
export function nllLoss(logp: ArrayLike, target: ArrayLike, opts: NllOptions = {}): Tensor {
  const op = "nllLoss";
  const lp = toTensor(logp), tg = toTensor(target);
  if (tg.dtype !== "int32") throw new DTypeError(`${op}: target must be int32 class indices, got ${tg.dtype}; use astype("int32")`);
  const classAxis = lp.ndim === 1 ? 0 : 1;
  const expected = lp.shape.filter((_, i) => i !== classAxis);
  if (lp.ndim < 1 || !shapesEqual(tg.shape, expected))
    throw new ShapeError(`${op}: target shape ${fmtShape(tg.shape)} must be input shape ${fmtShape(lp.shape)} without the class axis ${classAxis}, i.e. ${fmtShape(expected)}`);
  const C = lp.shape[classAxis];
  const ignore = opts.ignoreIndex ?? -100;
  const flat = tg.toTypedArray();
  for (let i = 0; i < flat.length; i++)
    if ((flat[i] < 0 || flat[i] >= C) && flat[i] !== ignore)
      throw new ArgumentError(`${op}: target value ${flat[i]} is outside [0, ${C}) (and is not ignoreIndex ${ignore})`);
  const keep = np.notEqual(tg, ignore);
  const safe = np.where(keep, tg, 0);
  const picked = np.squeeze(np.takeAlongAxis(lp, np.expandDims(safe, classAxis), classAxis), classAxis);
  let w: Tensor = np.astype(keep, lp.dtype);
  if (opts.weight !== undefined && opts.weight !== null) {
    const cw = toTensor(opts.weight);
    if (cw.ndim !== 1 || cw.shape[0] !== C) throw new ShapeError(`${op}: weight must have shape (${C},) (one per class), got ${fmtShape(cw.shape)}`);
    w = np.multiply(w, np.take(cw, safe));
  }
  const loss = np.negative(np.multiply(picked, w));
  if ((opts.reduction ?? "mean") === "mean") return np.divide(np.sum(loss), np.sum(w));
  return reduce(op, loss, opts.reduction);
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: (1 - ε)·target + ε/C (default 0). */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of unnormalized `logits` (N, C), (N, C, d1, ...) or (C,) against int32 class
 * indices (shape without the class axis) or class probabilities (same shape as logits):
 * logSoftmax over axis 1 (axis 0 for 1-d) then the negative log-likelihood.
 */
export function crossEntropy(logits: ArrayLike, target: ArrayLike, opts: CrossEntropyOptions = {}): Tensor {
  const op = "crossEntropy";
  const z = asFloat(toTensor(logits));
  const tg = toTensor(target);
  const classAxis = z.ndim === 1 ? 0 : 1;
  const lp = logSoftmax(z, classAxis);
  const eps = opts.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps <= 1)) throw new ArgumentError(`${op}: labelSmoothing must be in [0, 1], got ${eps}`);
  const C = z.shape[classAxis];
  const cw = opts.weight === undefined || opts.weight === null ? null : toTensor(opts.weight);
  const wshape = z.shape.map((s, i) => (i === classAxis ? s : 1));
  const weighted = (t: Tensor): Tensor => (cw === null ? t : np.multiply(t, np.reshape(cw, wshape)));
  if (tg.dtype === "int32") {
    const nll = nllLoss(lp, tg, opts);
    if (eps === 0) return nll;
    // Smoothing adds ε/C of every class's log-probability, counted only where the target is kept.
    const keep = np.astype(np.notEqual(tg, opts.ignoreIndex ?? -100), lp.dtype);
    const smooth = np.multiply(np.negative(np.sum(weighted(lp), { axis: classAxis })), keep);
    const red = opts.reduction ?? "mean";
    let smoothRed: Tensor;
    if (red === "mean") {
      const denom = cw === null ? np.sum(keep) : np.sum(np.multiply(keep, np.take(cw, np.where(np.notEqual(tg, opts.ignoreIndex ?? -100), tg, 0))));
      smoothRed = np.divide(np.sum(smooth), denom);
    } else smoothRed = reduce(op, smooth, red);
    return np.add(np.multiply(nll, 1 - eps), np.multiply(smoothRed, eps / C));
  }
  if (tg.dtype === "bool") throw new DTypeError(`${op}: target must be int32 class indices or float probabilities, got bool`);
  if (!shapesEqual(tg.shape, z.shape))
    throw new ShapeError(`${op}: probability targets must have the logits' shape ${fmtShape(z.shape)}, got ${fmtShape(tg.shape)}; class indices must be int32`);
  const p = eps === 0 ? tg : np.add(np.multiply(tg, 1 - eps), eps / C);
  const loss = np.negative(np.sum(weighted(np.multiply(lp, p)), { axis: classAxis }));
  return reduce(op, loss, opts.reduction);
}

function checkSame(op: string, a: Tensor, b: Tensor): void {
  if (!shapesEqual(a.shape, b.shape))
    throw new ShapeError(`${op}: input ${fmtShape(a.shape)} and target ${fmtShape(b.shape)} must have the same shape`);
}

/** Mean (or summed) squared error; input and target of the same shape. */
export function mseLoss(input: ArrayLike, target: ArrayLike, opts: { reduction?: Reduction } = {}): Tensor {
  const a = toTensor(input), b = toTensor(target);
  checkSame("mseLoss", a, b);
  return reduce("mseLoss", np.square(np.subtract(a, b)), opts.reduction);
}

/** Mean (or summed) absolute error. */
export function l1Loss(input: ArrayLike, target: ArrayLike, opts: { reduction?: Reduction } = {}): Tensor {
  const a = toTensor(input), b = toTensor(target);
  checkSame("l1Loss", a, b);
  return reduce("l1Loss", np.abs(np.subtract(a, b)), opts.reduction);
}

export interface BceOptions {
  /** Per-element rescaling weight, broadcast against the loss. */
  weight?: ArrayLike | null;
  reduction?: Reduction;
}

/**
 * -(y·log p + (1 - y)·log(1 - p)) for probabilities p; each log is clamped at -100 as in PyTorch,
 * so p = 0 or 1 gives a finite loss. Prefer `binaryCrossEntropyWithLogits`, which is exact.
 */
export function binaryCrossEntropy(input: ArrayLike, target: ArrayLike, opts: BceOptions = {}): Tensor {
  const p = asFloat(toTensor(input)), y = toTensor(target);
  checkSame("binaryCrossEntropy", p, y);
  const logP = np.maximum(np.log(p), -100);
  const log1mP = np.maximum(np.log1p(np.negative(p)), -100);
  let loss = np.negative(np.add(np.multiply(y, logP), np.multiply(np.subtract(1, y), log1mP)));
  if (opts.weight !== undefined && opts.weight !== null) loss = np.multiply(loss, opts.weight);
  return reduce("binaryCrossEntropy", loss, opts.reduction);
}

export interface BceLogitsOptions extends BceOptions {
  /** Weight of the positive term per class (broadcast against the last axis). */
  posWeight?: ArrayLike | null;
}

/**
 * Binary cross-entropy of logits z: (1 - y)·z + (1 + (posWeight - 1)·y)·softplus(-z), with
 * softplus as logaddexp(0, ·) so no exponential overflows.
 */
export function binaryCrossEntropyWithLogits(input: ArrayLike, target: ArrayLike, opts: BceLogitsOptions = {}): Tensor {
  const z = asFloat(toTensor(input)), y = toTensor(target);
  checkSame("binaryCrossEntropyWithLogits", z, y);
  const spNeg = np.logaddexp(0, np.negative(z));
  const lw = opts.posWeight === undefined || opts.posWeight === null ? null : np.add(np.multiply(np.subtract(opts.posWeight, 1), y), 1);
  let loss = np.add(np.multiply(np.subtract(1, y), z), lw === null ? spNeg : np.multiply(lw, spNeg));
  if (opts.weight !== undefined && opts.weight !== null) loss = np.multiply(loss, opts.weight);
  return reduce("binaryCrossEntropyWithLogits", loss, opts.reduction);
}
