import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import { toTensor } from "../ops/args.js";
import { reshape } from "../ops/shape.js";
import { linearize } from "./vjp.js";
import { pushForward } from "./jvp.js";
import { readDiffArg, rebuild } from "./inputs.js";
import { placeOut, runBatched } from "./vmap.js";
import type { Fn } from "./types.js";

// Jacobians as one batched pass: the one-hot cotangents (reverse) or tangents (forward) are a
// single batch of `size` basis vectors pushed through vmap, instead of one pass per element.
// The batch trace is strict: a primitive without a batching rule throws, and jacobian.ts then
// reruns its per-element loop from scratch (so nothing that worked unbatched stops working).

/** The identity as a batch of one-hot tensors: shape [n, ...shape], element k of row k is 1. */
function basis(shape: readonly number[], dtype: Tensor["dtype"]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  // An empty batch has nothing to gain; the per-element loop handles empty Jacobians.
  if (n === 0) throw new Error("internal: empty Jacobian block (the per-element loop handles it)");
  const buf = allocArray(dtype, n * n);
  for (let k = 0; k < n; k++) buf[k * n + k] = 1;
  return fromBuffer(buf, [n, ...shape], dtype);
}

/** Reverse mode: one batched pullback per output leaf. */
export function jacRevBatched(f: Fn, args: unknown[], argnums: number[], single: boolean): unknown {
  const lin = linearize(f, args, argnums, "jacobian");
  const outs = lin.outLeaves.map((o) => toTensor(o));
  const perOut = outs.map((o, oi) => {
    const call = (ct: unknown[]): unknown => lin.pullbackLeaves(outs.map((_, q) => (q === oi ? (ct[0] as Tensor) : null)));
    const { out, trace } = runBatched(call, [basis(o.shape, o.dtype)], [0], o.size, true);
    const grads = out as Tensor[][];
    const perArg = lin.diffArgs.map((a, j) =>
      rebuild(
        a,
        a.leaves.map((leaf, l) => reshape(placeOut(grads[j][l], trace, 0, "jacobian") as Tensor, [...o.shape, ...leaf.shape])),
      ),
    );
    return single ? perArg[0] : perArg;
  });
  return treeUnflatten(lin.outDef, perOut);
}

/** Forward mode: one batched push per input leaf. */
export function jacFwdBatched(f: Fn, args: unknown[], argnums: number[], single: boolean): unknown {
  const diff = argnums.map((k) => readDiffArg(args[k], "jacobian", k));
  const noTangents = () => diff.map((a) => a.leaves.map(() => null as Tensor | null));
  let outDef: ReturnType<typeof treeFlatten>[1] | null = null;
  let outShapes: Tensor[] = [];
  // blocks[j][l][o]: the Jacobian block of output o with respect to leaf l of argument j.
  const blocks = diff.map((a, j) =>
    a.leaves.map((leaf, l) => {
      const call = (t: unknown[]): unknown => {
        const tangents = noTangents();
        tangents[j][l] = t[0] as Tensor;
        const r = pushForward(f, args.slice(), tangents, "jacobian", argnums);
        outDef = r.outDef;
        outShapes = r.outLeaves.map((o) => toTensor(o));
        return r.tanLeaves;
      };
      const { out, trace } = runBatched(call, [basis(leaf.shape, leaf.dtype)], [0], leaf.size, true);
      return (out as Tensor[]).map((tan, oi) =>
        reshape(placeOut(tan, trace, -1, "jacobian") as Tensor, [...outShapes[oi].shape, ...leaf.shape]),
      );
    }),
  );
  if (outDef === null) throw new Error("internal: jacobian with no differentiated leaves");
  const perOut = outShapes.map((_, oi) => {
    const perArg = diff.map((a, j) => rebuild(a, blocks[j].map((b) => b[oi])));
    return single ? perArg[0] : perArg;
  });
  return treeUnflatten(outDef, perOut);
}
