import { Tensor } from "../../tensor/tensor.js";
import { Primitive } from "../../core/primitive.js";
import { BatchRule } from "../../core/batch.js";
import { bind, bind1 } from "../../core/trace.js";
import { broadcastTo, reshape, transpose } from "../shape.js";
import { around, materialize, padRank, rankOf, toFront } from "./util.js";

// Shape primitives and reductions. Where params name axes, the per-example axes are mapped
// around the batch axis, which then stays put; otherwise the batch axis goes to the front.

interface AxesParams {
  axes: number[];
  keepdims?: boolean;
}

/** Reductions (params `{axes, keepdims, ...}`): reduce the mapped axes; the batch axis shifts left past reduced ones. */
export function reduceBatch(prim: Primitive<any>): BatchRule<AxesParams> {
  return (args, dims, p) => {
    const d = dims[0] as number;
    let before = 0;
    const axes = p.axes.map((a) => {
      if (a < d) before++;
      return around(a, d);
    });
    return [bind1(prim, args[0], { ...p, axes }), p.keepdims === true ? d : d - before];
  };
}

/** Params `{axes}` naming per-example axes, output of the input's rank (flip). */
export function axesBatch(prim: Primitive<any>): BatchRule<{ axes: number[] }> {
  return (args, dims, p) => {
    const d = dims[0] as number;
    return [bind1(prim, args[0], { ...p, axes: p.axes.map((a) => around(a, d)) }), d];
  };
}

/** Params `{axis, ...}` naming one per-example axis, output of the input's rank (cumsum, slice_axis). */
export function axisBatch(prim: Primitive<any>): BatchRule<{ axis: number }> {
  return (args, dims, p) => {
    const d = dims[0] as number;
    return [bind1(prim, args[0], { ...p, axis: around(p.axis, d) }), d];
  };
}

export const reshapeBatch: BatchRule<{ shape: number[] }> = (args, dims, p, size) => [
  reshape(toFront(args[0] as Tensor, dims[0] as number), [size, ...p.shape]),
  0,
];

export const broadcastToBatch: BatchRule<{ shape: number[] }> = (args, dims, p, size) => {
  const d = dims[0] as number;
  const x = padRank(toFront(args[0] as Tensor, d), rankOf(args[0], d), p.shape.length);
  return [broadcastTo(x, [size, ...p.shape]), 0];
};

export const transposeBatch: BatchRule<{ axes: number[] }> = (args, dims, p) => {
  const d = dims[0] as number;
  return [transpose(args[0] as Tensor, [d, ...p.axes.map((a) => around(a, d))]), 0];
};

/** Joining along a per-example axis: every piece batched at the front (unbatched ones as broadcast views). */
export function concatBatch(prim: Primitive<any>): BatchRule<{ axis: number }> {
  return (args, dims, p, size) => [bind(prim, args.map((a, i) => materialize(a, dims[i], size)), { axis: p.axis + 1 }), 0];
}

interface PadParams {
  widths: [number, number][];
  values: [number, number][];
}

/** Constant padding: the batch axis gets zero widths (and the common fill value, keeping the kernel's one-value path). */
export function padBatch(prim: Primitive<any>): BatchRule<PadParams> {
  return (args, dims, p) => {
    const d = dims[0] as number;
    const v = p.values.length > 0 ? p.values[0][0] : 0;
    const widths = p.widths.slice();
    const values = p.values.slice();
    widths.splice(d, 0, [0, 0]);
    values.splice(d, 0, [v, v]);
    return [bind1(prim, args[0], { widths, values }), d];
  };
}
