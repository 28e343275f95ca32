import { Tensor } from "../../tensor/tensor.js";
import { Primitive } from "../../core/primitive.js";
import { BatchRule } from "../../core/batch.js";
import { bind2 } from "../../core/trace.js";
import { ContractParams } from "../contract.js";
import { toFront } from "./util.js";

const inc = (a: number): number => a + 1;

/**
 * dot_general: with both operands batched, the batch axis becomes one more paired batch axis
 * (listed first, so it leads the output); with one, it is a free axis of that operand (the
 * lowest-numbered, so it leads that operand's free block in the output).
 */
export function contractBatch(prim: Primitive<ContractParams>): BatchRule<ContractParams> {
  return (args, dims, p) => {
    const [da, db] = dims;
    const a = da === null ? (args[0] as Tensor) : toFront(args[0] as Tensor, da);
    const b = db === null ? (args[1] as Tensor) : toFront(args[1] as Tensor, db);
    if (da !== null && db !== null)
      return [bind2(prim, a, b, { lb: [0, ...p.lb.map(inc)], rb: [0, ...p.rb.map(inc)], lc: p.lc.map(inc), rc: p.rc.map(inc) }), 0];
    if (da !== null) return [bind2(prim, a, b, { lb: p.lb.map(inc), rb: p.rb, lc: p.lc.map(inc), rc: p.rc }), p.lb.length];
    const freeA = a.ndim - p.lb.length - p.lc.length;
    return [bind2(prim, a, b, { lb: p.lb, rb: p.rb.map(inc), lc: p.lc, rc: p.rc.map(inc) }), p.lb.length + freeA];
  };
}
