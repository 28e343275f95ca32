// Gradient checks for the indexing primitives (getitem: basic view, getitem_transpose: its
// scatter into zeros, gather: advanced indexing, scatter_add: its transpose) and the composites
// built on them (functional updates, take, takeAlongAxis, putAlongAxis, compress). Indexing is
// linear, so each case squares or takes the sine of the result to make order 2 non-trivial.
import { np, Tensor } from "../../src/index.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";

const X = rand([4, 5, 3], 21);
const M = rand([3, 4], 22);
const V = rand([6], 23);
const sq = (t: Tensor): Tensor => np.multiply(t, t);
const mask = np.array([[true, false, true, false], [false, false, true, true], [true, true, false, false]]);

export const cases: GradCase[] = [
  { prim: "getitem", label: "int, reversed slice, new axis", f: (x) => sq(x.get(1, "::-1", null, "1:")), args: [X] },
  { prim: "getitem", label: "ellipsis and stepped slice", f: (x) => np.sin(x.get("...", "::2")), args: [X] },
  { prim: "getitem", label: "scalar element", f: (x) => sq(x.get(2, -1, 0)), args: [X] },
  { prim: "getitem_transpose", label: "through at().set on a slice", f: (x, v) => sq(x.at(":", "1:3").set(v)), args: [M, rand([3, 2], 24)] },
  { prim: "gather", label: "repeated indices", f: (v) => sq(v.get([0, 3, 3, 5, 0])), args: [V] },
  { prim: "gather", label: "arrays split by a slice (axes first)", f: (x) => np.sin(x.get([0, 2, 3], ":", [1, 0, 2])), args: [X] },
  { prim: "gather", label: "2-d mask", f: (m) => sq(m.get(mask)), args: [M] },
  { prim: "gather", label: "broadcast index arrays in place", f: (x) => sq(x.get(":", [[0], [4]], [1, 2])), args: [X] },
  { prim: "scatter_add", label: "at().add with repeats", f: (v, u) => sq(v.at([1, 1, 4]).add(u)), args: [V, rand([3], 25)] },
  { prim: "scatter_add", label: "at().set with repeats (last write wins)", f: (v, u) => sq(v.at([2, 0, 2]).set(u)), args: [V, rand([3], 26)] },
  { prim: "scatter_add", label: "at().mul with repeats", f: (v, u) => sq(v.at([5, 1, 5]).mul(u)), args: [V, rand([3], 27)] },
  { prim: "scatter_add", label: "at().mul broadcast value over a mask", f: (m, u) => np.sin(m.at(mask).mul(u)), args: [M, rand([1], 28)] },
  { prim: "gather", label: "take along axis 1", f: (x) => sq(np.take(x, [4, 0, 4], 1)), args: [X] },
  { prim: "gather", label: "takeAlongAxis", f: (m) => sq(np.takeAlongAxis(m, np.array([[3, 0], [1, 1], [2, 3]]).astype("int32"), 1)), args: [M] },
  { prim: "scatter_add", label: "putAlongAxis", f: (m, u) => sq(np.putAlongAxis(m, np.array([[3], [0], [2]]).astype("int32"), u, 1)), args: [M, rand([3, 1], 29)] },
  { prim: "gather", label: "compress axis 0", f: (m) => sq(np.compress([true, false, true], m, 0)), args: [M] },
];
