import { Tensor } from "../../tensor/tensor.js";
import { Primitive } from "../../core/primitive.js";
import { BatchRule, loopFallback } from "../../core/batch.js";
import { bind1 } from "../../core/trace.js";
import { rankOf, toFront } from "./util.js";

// Matrix-structured primitives: the batch axis goes to the front, ahead of the axes they act on.

interface DiagParams {
  offset: number;
  axis1: number;
  axis2: number;
}

/**
 * diagonal (the two axes leave, the diagonal is appended last) and make_diagonal, its transpose
 * (the last axis is spread over two new axes): with the batch axis at the front both keep it there.
 */
export function diagonalBatch(prim: Primitive<any>): BatchRule<DiagParams> {
  return (args, dims, p) => [
    bind1(prim, toFront(args[0] as Tensor, dims[0] as number), { ...p, axis1: p.axis1 + 1, axis2: p.axis2 + 1 }),
    0,
  ];
}

/** triu/tril act on the last two axes; a 1-d input (NumPy makes it a matrix) goes element by element. */
export function triangleBatch(prim: Primitive<any>): BatchRule<{ k: number }> {
  return (args, dims, p, size) => {
    const d = dims[0] as number;
    if (rankOf(args[0], d) < 2) return loopFallback(prim, args, dims, p, size);
    return [bind1(prim, toFront(args[0] as Tensor, d), p), 0];
  };
}
