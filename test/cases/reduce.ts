import { np } from "../../src/index.js";
import { linearRecurrence } from "../../src/ops/reduce-cumulative.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";

// Distinct values (no ties for max/min), away from zero where a product's derivative is tested.
const A = rand([2, 3, 4], 11);
const M = rand([3, 4], 12);
const V = rand([5], 13);
const POS = np.add(rand([3, 4], 14, 0.5, 1.5), 0);
const WITH_ZERO = np.array([[0.7, 0, -1.2], [1.3, 0.4, 0], [0, 0, 2]]);
const asF = (t: any) => t.astype("float64");

export const cases: GradCase[] = [
  { prim: "sum", label: "mean over axes [0, 2] (composition)", f: (a) => np.mean(a, [0, 2]), args: [A] },
  { prim: "var", label: "ddof 1 over axis -1", f: (a) => np.var(a, { axis: -1, ddof: 1 }), args: [A] },
  { prim: "sum", label: "nansum / nanmean", f: (a) => np.add(np.nansum(a, 0), np.nanmean(a, 1, true)), args: [M] },
  { prim: "prod", label: "all", f: (a) => np.prod(a), args: [POS] },
  { prim: "prod", label: "axes [0, 2] keepdims", f: (a) => np.prod(a, { axis: [0, 2], keepdims: true }), args: [A] },
  { prim: "prod", label: "axis 1 with zeros (one and two zeros per row)", f: (a) => np.prod(a, 1), args: [WITH_ZERO] },
  { prim: "max", label: "axis 1", f: (a) => np.max(a, 1), args: [A] },
  { prim: "max", label: "all, keepdims", f: (a) => np.max(a, null, true), args: [M] },
  { prim: "min", label: "axes [0, -1]", f: (a) => np.min(a, [0, -1]), args: [A] },
  { prim: "var", label: "all axes", f: (a) => np.var(a), args: [M] },
  { prim: "std", label: "axis 0", f: (a) => np.std(a, 0), args: [M] },
  { prim: "std", label: "all, ddof 1", f: (a) => np.std(a, { ddof: 1 }), args: [A] },
  { prim: "cumsum", label: "axis 1", f: (a) => np.cumsum(a, 1), args: [A] },
  { prim: "cumsum", label: "flattened", f: (a) => np.cumsum(a), args: [M] },
  { prim: "cumprod", label: "axis -1", f: (a) => np.cumprod(a, -1), args: [M] },
  { prim: "cumprod", label: "axis 0 with zeros", f: (a) => np.cumprod(a, 0), args: [WITH_ZERO] },
  { prim: "linear_recurrence", label: "forward along axis 1", f: (a, b) => linearRecurrence(a, b, 1), args: [M, rand([3, 4], 15)] },
  { prim: "linear_recurrence", label: "reverse along axis 0", f: (a, b) => linearRecurrence(a, b, 0, true), args: [M, rand([3, 4], 16)] },
  { prim: "argmax", label: "index used as a constant weight", f: (a) => np.multiply(a, asF(np.argmax(a, 1, true))), args: [M] },
  { prim: "argmin", label: "index used as a constant weight", f: (a) => np.multiply(a, asF(np.argmin(a, 0))), args: [M] },
  { prim: "all", label: "truth as a constant weight", f: (a) => np.multiply(a, asF(np.all(a, 0))), args: [M] },
  { prim: "any", label: "truth as a constant weight", f: (a) => np.multiply(a, asF(np.any(a, 1, true))), args: [M] },
  { prim: "count_nonzero", label: "count as a constant weight", f: (a) => np.multiply(a, asF(np.countNonzero(a))), args: [V] },
];
