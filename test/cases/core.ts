import { np, stopGradient } from "../../src/index.js";
import { sliceAxis } from "../../src/ops/join.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";

const A = rand([2, 3], 1);
const B = rand([3], 2);

export const coreCases: GradCase[] = [
  { prim: "add", label: "broadcast (2,3)+(3,)", f: (a, b) => np.add(a, b), args: [A, B] },
  { prim: "subtract", label: "broadcast", f: (a, b) => np.subtract(a, b), args: [A, B] },
  { prim: "multiply", label: "broadcast", f: (a, b) => np.multiply(a, b), args: [A, B] },
  { prim: "divide", label: "broadcast", f: (a, b) => np.divide(a, b), args: [A, np.add(B, 3)] },
  { prim: "negative", label: "matrix", f: (a) => np.negative(a), args: [A] },
  { prim: "power", label: "positive base, broadcast exponent", f: (a, b) => np.power(a, b), args: [np.add(np.multiply(A, A), 0.5), B] },
  { prim: "equal", label: "nondiff in a product", f: (a) => np.multiply(a, np.equal(a, a).astype("float64")), args: [A] },
  { prim: "sin", label: "matrix", f: (a) => np.sin(a), args: [A] },
  { prim: "cos", label: "matrix", f: (a) => np.cos(a), args: [A] },
  { prim: "exp", label: "matrix", f: (a) => np.exp(a), args: [A] },
  { prim: "log", label: "positive", f: (a) => np.log(a), args: [np.add(np.multiply(A, A), 0.5)] },
  { prim: "sum", label: "all", f: (a) => np.sum(a), args: [A] },
  { prim: "sum", label: "axis -1 keepdims", f: (a) => np.sum(a, { axis: -1, keepdims: true }), args: [A] },
  { prim: "sum", label: "axis [0,1]", f: (a) => np.sum(a, [0, 1]), args: [A] },
  { prim: "reshape", label: "(2,3)->(3,2)", f: (a) => np.reshape(a, [3, -1]), args: [A] },
  { prim: "broadcast_to", label: "(3,)->(4,3)", f: (a) => np.broadcastTo(a, [4, 3]), args: [B] },
  { prim: "transpose", label: "2-d", f: (a) => np.transpose(a), args: [A] },
  { prim: "astype", label: "float64->float32->float64", f: (a) => np.astype(np.astype(a, "float32"), "float64"), args: [A], opts: { eps: 1e-3, rtol: 1e-2, atol: 1e-3 }, why: "a float32 round trip loses precision: larger step, looser tolerance" },
  { prim: "where", label: "mask", f: (a, b) => np.where(np.array([[true, false, true], [false, true, false]]), a, b), args: [A, B] },
  { prim: "concatenate", label: "axis 1", f: (a, b) => np.concatenate([a, b], 1), args: [A, rand([2, 2], 3)] },
  { prim: "slice_axis", label: "middle columns", f: (a) => sliceAxis(a, 1, 1, 3), args: [A] },
  { prim: "stop_gradient", label: "added constant", f: (a) => np.add(a, stopGradient(B)), args: [A] },
];
