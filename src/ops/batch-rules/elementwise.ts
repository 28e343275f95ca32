import { Tensor } from "../../tensor/tensor.js";
import { Primitive } from "../../core/primitive.js";
import { BatchRule } from "../../core/batch.js";
import { bind, bind1 } from "../../core/trace.js";
import { materialize, padRank, rankOf, toFront } from "./util.js";

// Elementwise primitives: the batch axis is just one more axis to broadcast over.

/** One argument, output of its shape: the batch axis stays where it is. */
export function unaryBatch(prim: Primitive<any>): BatchRule<any> {
  return (args, dims, p) => [bind1(prim, args[0], p), dims[0]];
}

/**
 * Broadcasting operands (NumPy aligns shapes from the right). When every batched operand has
 * its batch axis at the same place and the full per-example rank, and no unbatched operand
 * reaches left of it, the primitive runs as is; otherwise batched operands get their batch axis
 * moved to the front and padded with 1s to the common rank, so it lines up in front of all others.
 */
export function broadcastingBatch(prim: Primitive<any>, withAxis = false): BatchRule<any> {
  // `withAxis`: params `{axis, ...}` name an axis of the broadcast per-example shape (linear_recurrence).
  const shift = (p: any, f: (a: number) => number): unknown => (withAxis ? { ...p, axis: f(p.axis) } : p);
  return (args, dims, p) => {
    const n = args.length;
    let r = 0;
    for (let i = 0; i < n; i++) r = Math.max(r, rankOf(args[i], dims[i]));
    let d = -1;
    let inPlace = true;
    for (let i = 0; i < n && inPlace; i++) {
      const di = dims[i];
      if (di === null) continue;
      if (d < 0) d = di;
      if (di !== d || rankOf(args[i], di) !== r) inPlace = false;
    }
    for (let i = 0; i < n && inPlace; i++) if (dims[i] === null && rankOf(args[i], null) > r - d) inPlace = false;
    if (inPlace) return [bind(prim, args, shift(p, (a) => (a < d ? a : a + 1))), d];
    const vals = args.map((a, i) => {
      const di = dims[i];
      return di === null ? a : padRank(toFront(a as Tensor, di), rankOf(a, di), r);
    });
    return [bind(prim, vals, shift(p, (a) => a + 1)), 0];
  };
}

/** Broadcasting operands plus an `axis` param: linear_recurrence. */
export function broadcastingAxisBatch(prim: Primitive<any>): BatchRule<any> {
  return broadcastingBatch(prim, true);
}

/** Operands that must share one shape (no broadcasting): unbatched ones are broadcast over the batch (a view). */
export function sameShapeBatch(prim: Primitive<any>): BatchRule<any> {
  return (args, dims, p, size) => {
    const d = dims.find((x) => x !== null) as number;
    if (dims.every((x) => x === d)) return [bind(prim, args, p), d];
    return [bind(prim, args.map((a, i) => materialize(a, dims[i], size)), p), 0];
  };
}

export const UNARY = [
  "astype", "copy", "stop_gradient", "round", "angle", "nan_to_num", "relu", "gelu_normal_cdf",
  "logical_not", "isfinite", "isnan", "isinf", "isposinf", "isneginf",
  "floor", "ceil", "trunc", "fix", "rint", "sign", "abs", "fabs", "real", "conj", "imag",
  "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
  "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "deg2rad", "rad2deg", "sinc",
  "square", "reciprocal", "negative",
];

export const BROADCASTING = [
  "where", "clip", "isclose",
  "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and", "logical_or", "logical_xor",
  "add", "subtract", "multiply", "divide", "power", "arctan2", "hypot", "logaddexp", "logaddexp2",
  "maximum", "minimum", "fmax", "fmin", "floor_divide", "mod", "fmod",
];

export const SAME_SHAPE = ["relu_grad"];
