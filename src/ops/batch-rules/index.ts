import { Tensor } from "../../tensor/tensor.js";
import { Primitive, registry } from "../../core/primitive.js";
import { BatchRule, batchOps, defbatch } from "../../core/batch.js";
import { reshape } from "../shape.js";
import { sliceAxis, stack } from "../join.js";
import { BROADCASTING, SAME_SHAPE, UNARY, broadcastingAxisBatch, broadcastingBatch, sameShapeBatch, unaryBatch } from "./elementwise.js";
import { axesBatch, axisBatch, broadcastToBatch, concatBatch, padBatch, reduceBatch, reshapeBatch, transposeBatch } from "./structural.js";
import { gatherBatch, viewBatch } from "./indexing.js";
import { contractBatch } from "./contract.js";
import { diagonalBatch, triangleBatch } from "./matrix.js";

type RuleFactory = (prim: Primitive<any>) => BatchRule<any>;

const same = (rule: BatchRule<any>): RuleFactory => () => rule;

/** Every batching rule, by primitive name (primitives are looked up when vmap first runs). */
const TABLE: [readonly string[], RuleFactory][] = [
  [UNARY, unaryBatch],
  [BROADCASTING, (p) => broadcastingBatch(p)],
  [["linear_recurrence"], broadcastingAxisBatch],
  [SAME_SHAPE, sameShapeBatch],
  [["sum", "prod", "max", "min", "argmax", "argmin", "var", "std", "all", "any", "count_nonzero"], reduceBatch],
  [["flip"], axesBatch],
  [["cumsum", "cumprod", "slice_axis", "gather_axis", "scatter_add_axis", "argsort", "argpartition"], axisBatch],
  [["diagonal", "make_diagonal"], diagonalBatch],
  [["triu", "tril"], triangleBatch],
  [["reshape"], same(reshapeBatch)],
  [["broadcast_to"], same(broadcastToBatch)],
  [["transpose"], same(transposeBatch)],
  [["concatenate"], concatBatch],
  [["pad"], padBatch],
  [["getitem", "getitem_transpose"], viewBatch],
  [["gather", "scatter_add"], gatherBatch],
  [["dot_general"], contractBatch],
];

/** The primitive names that have a batching rule here. */
export const BATCHED_NAMES: readonly string[] = TABLE.flatMap(([names]) => names);

let installed = false;

/**
 * Registers the rules and the fallback's ops. Called by vmap on first use rather than at load,
 * so every family's primitives (some defined above the ops layer) are in the registry by then.
 */
export function installBatchRules(): void {
  if (installed) return;
  installed = true;
  batchOps.take = (x: Tensor, axis: number, i: number): Tensor => {
    const shape = x.shape.slice();
    shape.splice(axis, 1);
    return reshape(sliceAxis(x, axis, i, i + 1), shape);
  };
  batchOps.stack = (xs: Tensor[]): Tensor => stack(xs, 0);
  for (const [names, make] of TABLE)
    for (const name of names) {
      const prim = registry.get(name);
      if (prim !== undefined) defbatch(prim, make(prim));
    }
}
