// Gradient checks for the shape, joining and splitting primitives (reshape, broadcast_to,
// transpose, concatenate, slice_axis) and the composites built on them. Shape ops are linear, so
// each case multiplies two uses of the op (or feeds it to sin) to make order 2 non-trivial.
import { np, Tensor } from "../../src/index.js";
import { sliceAxis } from "../../src/ops/join.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";

const A = rand([2, 3], 11);
const B = rand([2, 3, 4], 12);
const C = rand([3, 1], 13);
const V = rand([3], 14);
const W = rand([6], 15);

const sq = (t: Tensor): Tensor => np.multiply(t, t);

export const cases: GradCase[] = [
  { prim: "reshape", label: "non-contiguous input (copying path)", f: (b) => sq(np.reshape(np.transpose(b), [4, -1])), args: [B] },
  { prim: "reshape", label: "order F", f: (b) => np.sin(np.reshape(b, [6, 4], "F")), args: [B] },
  { prim: "reshape", label: "ravel order K of a transposed view", f: (b) => sq(np.ravel(np.transpose(b, [2, 0, 1]), "K")), args: [B] },
  { prim: "reshape", label: "squeeze and expandDims", f: (c) => np.multiply(np.expandDims(np.squeeze(c), [0, 2]), np.squeeze(c, 1)), args: [C] },
  { prim: "reshape", label: "atleast3d of a vector", f: (v) => sq(np.atleast3d(v)), args: [V] },
  { prim: "broadcast_to", label: "(3,1)->(2,3,4): new and stretched axes", f: (c) => sq(np.broadcastTo(c, [2, 3, 4])), args: [C] },
  { prim: "broadcast_to", label: "broadcastArrays pair", f: (c, v) => { const [x, y] = np.broadcastArrays(c, v); return np.multiply(x, y); }, args: [C, V] },
  { prim: "transpose", label: "perm [2,0,1] times itself", f: (b) => sq(np.transpose(b, [2, 0, 1])), args: [B] },
  { prim: "transpose", label: "swapaxes with a product", f: (b) => np.multiply(np.swapaxes(b, 0, -1), np.sin(np.swapaxes(b, 2, 0))), args: [B] },
  { prim: "transpose", label: "moveaxis lists", f: (b) => sq(np.moveaxis(b, [0, 1], [-1, -2])), args: [B] },
  { prim: "transpose", label: "rollaxis", f: (b) => sq(np.rollaxis(b, 2, 1)), args: [B] },
  { prim: "concatenate", label: "three pieces, axis -1", f: (a, d) => sq(np.concatenate([a, d, a], -1)), args: [A, rand([2, 1], 16)] },
  { prim: "concatenate", label: "axis null flattens", f: (a, v) => sq(np.concatenate([a, v], null)), args: [A, V] },
  { prim: "concatenate", label: "stack axis 1", f: (a) => sq(np.stack([a, np.sin(a)], 1)), args: [A] },
  { prim: "concatenate", label: "vstack, hstack, dstack, columnStack", f: (v) => np.multiply(np.vstack([v, v]), np.transpose(np.columnStack([np.sin(v), v]))), args: [V] },
  { prim: "concatenate", label: "hstack and dstack", f: (a) => np.multiply(np.sum(np.dstack([a, a]), 2), np.hstack([a])), args: [A] },
  { prim: "concatenate", label: "append with and without axis", f: (a, v) => np.multiply(np.append(a, v), np.ravel(np.append(a, np.reshape(v, [1, 3]), 0))), args: [A, V] },
  { prim: "slice_axis", label: "three equal pieces multiplied", f: (w) => { const [p, q, r] = np.split(w, 3); return np.multiply(np.multiply(p, q), r); }, args: [W] },
  { prim: "slice_axis", label: "arraySplit uneven, along axis 2", f: (b) => { const [p, q, r] = np.arraySplit(b, 3, { axis: 2 }); return np.multiply(np.multiply(p, q), np.sum(r)); }, args: [B] },
  { prim: "slice_axis", label: "split points with an empty piece", f: (w) => { const [p, e, q, r] = np.split(w, [2, 2, 4]); return np.add(np.multiply(p, q), np.multiply(np.sum(e), r)); }, args: [W] },
  {
    prim: "astype",
    label: "float32 round trip feeding a product",
    f: (a) => sq(np.astype(np.astype(a, "float32"), "float64")),
    args: [A],
    opts: { eps: 1e-3, rtol: 1e-2, atol: 1e-3 },
    why: "a float32 round trip loses precision: larger step, looser tolerance",
  },
  { prim: "slice_axis", label: "direct slice", f: (b) => sq(sliceAxis(b, 1, 1, 3)), args: [B] },
];
