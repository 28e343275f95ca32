import { Tensor } from "../../tensor/tensor.js";
import { Primitive } from "../../core/primitive.js";
import { BatchRule } from "../../core/batch.js";
import { bind1 } from "../../core/trace.js";
import { GatherParams, ViewParams } from "../index-key.js";
import { toFront } from "./util.js";

// Indexing with the batch axis in front: the batch axis is one more axis taken whole (a full
// slice), so the params gain a leading entry and every per-example axis shifts by one.

function viewParams(p: ViewParams, size: number): ViewParams {
  return {
    inShape: [size, ...p.inShape],
    start: [0, ...p.start],
    step: [1, ...p.step],
    outAxes: [0, ...p.outAxes.map((a) => (a < 0 ? -1 : a + 1))],
    outShape: [size, ...p.outShape],
  };
}

/** getitem and its transpose share the params: both map batch axis 0 to output axis 0. */
export function viewBatch(prim: Primitive<any>): BatchRule<ViewParams> {
  return (args, dims, p, size) => [bind1(prim, toFront(args[0] as Tensor, dims[0] as number), viewParams(p, size)), 0];
}

/**
 * The batch axis becomes the first non-indexed axis, placed before the index block (bPos + 1):
 * whatever NumPy's placement of the index block per example, the output then leads with the batch.
 */
function gatherParams(p: GatherParams, size: number): GatherParams {
  return {
    inShape: [size, ...p.inShape],
    axes: p.axes.map((a) => a + 1),
    idx: p.idx,
    bShape: p.bShape,
    bPos: p.bPos + 1,
    outShape: [size, ...p.outShape],
  };
}

/** gather and scatter_add (its transpose) share the params, so one rule serves both. */
export function gatherBatch(prim: Primitive<any>): BatchRule<GatherParams> {
  return (args, dims, p, size) => [bind1(prim, toFront(args[0] as Tensor, dims[0] as number), gatherParams(p, size)), 0];
}
