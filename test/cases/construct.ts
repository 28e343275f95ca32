import { np } from "../../src/index.js";
import { gatherAxis, scatterAddAxis } from "../../src/ops/take-axis.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";
import { invertPermutation, permuteByIndex } from "../../src/ops/take-axis.js";

// Inputs are rand()'s distinct values, so sorts and selections have no ties near the point.
const A = rand([3, 4], 11);
const B = rand([2, 3, 4], 12);
const V = rand([7], 13);
const idx = Int32Array.of(2, 0, 0, 3, 1);

export const cases: GradCase[] = [
  { prim: "gather_axis", label: "repeated index, axis 1", f: (a) => gatherAxis(a, { axis: 1, index: idx, n: 4 }), args: [A] },
  { prim: "scatter_add_axis", label: "accumulating index, axis 1", f: (g) => scatterAddAxis(g, { axis: 1, index: idx, n: 4 }), args: [rand([3, 5], 14)] },
  { prim: "gather_axis", label: "roll two axes", f: (b) => np.roll(b, [1, -2], { axis: [0, 2] }), args: [B] },
  { prim: "gather_axis", label: "repeat with counts", f: (a) => np.repeat(a, [2, 0, 1], 0), args: [A] },
  { prim: "gather_axis", label: "pad reflect/symmetric/wrap/edge", f: (a) => np.pad(np.pad(np.pad(np.pad(a, 3, "reflect"), 2, "symmetric"), [1, 4], "wrap"), 1, "edge"), args: [A] },
  { prim: "gather_axis", label: "pad odd reflect, wider than the axis", f: (a) => np.pad(a, [[5, 2], [1, 6]], { mode: "reflect", reflectType: "odd" }), args: [A] },
  { prim: "broadcast_to", label: "repeat 3 along axis -1", f: (b) => np.repeat(b, 3, -1), args: [B] },
  { prim: "broadcast_to", label: "tile (2, 1, 3)", f: (a) => np.tile(a, [2, 1, 3]), args: [A] },
  { prim: "flip", label: "axes 0 and 2", f: (b) => np.flip(b, [0, 2]), args: [B] },
  { prim: "flip", label: "rot90 k=1 and k=3 on axes (2, 1)", f: (b) => np.add(np.rot90(b, 1, [2, 1]), np.rot90(np.rot90(b, 3, [2, 1]), 2, [2, 1])), args: [B] },
  { prim: "pad", label: "constant, per-axis values", f: (b) => np.pad(b, [[1, 0], [2, 1], [0, 3]], { constantValues: [[1, 2], [3, 4], [5, 6]] }), args: [B] },
  { prim: "pad", label: "linear_ramp, then mean", f: (a) => np.pad(np.pad(a, [2, 1], "linear_ramp", { endValues: [0.5, -1] }), 2, { mode: "mean", statLength: 2 }), args: [A] },
  { prim: "permute_along_axis", label: "pad maximum, minimum, median", f: (a) => np.pad(np.pad(np.pad(a, [[1, 0], [0, 0]], "maximum"), [[0, 0], [2, 1]], "minimum"), 1, { mode: "median", statLength: [[2, 3], [4, 1]] }), args: [A] },
  { prim: "permute_along_axis", label: "sort axis 0 (3-d)", f: (b) => np.sort(b, 0), args: [B] },
  { prim: "permute_along_axis", label: "sort flattened, squared", f: (a) => np.multiply(np.sort(a, null), np.sort(a, null)), args: [A] },
  { prim: "permute_along_axis", label: "partition kth [1, 4]", f: (v) => np.partition(v, [1, 4]), args: [V] },
  { prim: "permute_by_index", label: "sort by an index tensor (jit's sort), axis 1", f: (a) => permuteByIndex(a, np.argsort(a, 1), 1), args: [A] },
  { prim: "invert_permutation", label: "undo a sort by its inverse permutation", f: (b) => np.multiply(permuteByIndex(permuteByIndex(b, np.argsort(b, 0), 0), invertPermutation(np.argsort(b, 0), 0), 0), b), args: [B] },
  { prim: "argsort", label: "weights from the order", f: (a) => np.multiply(a, np.astype(np.argsort(a, 0), "float64")), args: [A] },
  { prim: "argpartition", label: "weights from the selection", f: (v) => np.multiply(v, np.astype(np.argpartition(v, 3), "float64")), args: [V] },
  { prim: "searchsorted", label: "bins as weights", f: (v) => np.multiply(v, np.astype(np.searchsorted(np.array([-0.5, 0, 0.5]), v), "float64")), args: [V] },
  { prim: "slice_axis", label: "diff n=2 axis 1, prepend", f: (b) => np.diff(b, { n: 2, axis: 1, prepend: 0.25 }), args: [B] },
  { prim: "slice_axis", label: "gradient, coordinates, edge order 2", f: (a) => np.gradient(a, np.array([0, 0.5, 1.7]), 2, { edgeOrder: 2 }), args: [A] },
  { prim: "slice_axis", label: "gradient in the coordinates", f: (x) => np.gradient(A, x, { axis: 0 }), args: [np.array([0, 0.5, 1.7])] },
  { prim: "where", label: "select, differentiable in choices and default", f: (a, d) => np.select([np.array([[true, false, false, true]]), np.array([[false, true, false, true]])], [a, np.negative(a)], d), args: [A, rand([4], 15)] },
];
