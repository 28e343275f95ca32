import { np } from "../../src/index.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";

const S = rand([], 11);
const T = rand([], 12);
const A = rand([3], 13);
const B = rand([2, 3], 14);

export const cases: GradCase[] = [
  { prim: "linspace", label: "scalar ends", f: (a, b) => np.linspace(a, b, 5), args: [S, T] },
  { prim: "linspace", label: "array ends broadcast, axis -1", f: (a, b) => np.linspace(a, b, 4, { axis: -1 }), args: [A, B] },
  { prim: "linspace", label: "no endpoint, number start", f: (b) => np.linspace(0.5, b, 6, { endpoint: false }), args: [B] },
  { prim: "linspace", label: "one sample", f: (a, b) => np.linspace(a, b, 1), args: [A, B] },
  { prim: "copy", label: "strided view", f: (b) => np.copy(np.transpose(b)), args: [B] },
  { prim: "copy", label: "method on a 0-d tensor", f: (s) => np.multiply(s, s).copy(), args: [S] },
];
