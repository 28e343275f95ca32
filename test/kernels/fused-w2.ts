// The fused program of W2 (docs/benchmarks.md): value and gradient of
// sum(tanh(x) * exp(-x*x) + log1p(x*x)) in one pass, as `jit` groups it. Inputs: x (array), the
// cotangent seed g, and the constants 1 and 2 (scalars): call it with [x, 1, 1, 2]. Shared by
// test/kernels/fused-wasm.test.ts and bench/fused-wasm.ts.
import type { FusedProgram } from "../../src/kernels/fused/program.js";

export function w2Program(): FusedProgram {
  return {
    dtype: "float32",
    inputs: ["array", "scalar", "scalar", "scalar"], // 0 x, 1 g, 2 one, 3 two
    ops: [
      { op: "tanh", args: [0] }, // 4 t
      { op: "mul", args: [0, 0] }, // 5 xx
      { op: "neg", args: [5] }, // 6 -xx
      { op: "exp", args: [6] }, // 7 e
      { op: "mul", args: [4, 7] }, // 8 t e
      { op: "log1p", args: [5] }, // 9 l
      { op: "add", args: [8, 9] }, // 10 y: summed
      { op: "mul", args: [1, 7] }, // 11 g e: cotangent of t
      { op: "square", args: [4] }, // 12 t^2
      { op: "sub", args: [2, 12] }, // 13 1 - t^2
      { op: "mul", args: [11, 13] }, // 14 gradient through tanh
      { op: "mul", args: [1, 4] }, // 15 g t: cotangent of e
      { op: "mul", args: [15, 7] }, // 16 cotangent of -xx
      { op: "neg", args: [16] }, // 17 first part of the cotangent of xx
      { op: "add", args: [2, 5] }, // 18 1 + xx
      { op: "div", args: [1, 18] }, // 19 second part: g / (1 + xx)
      { op: "add", args: [17, 19] }, // 20 cotangent of xx
      { op: "mul", args: [20, 0] }, // 21
      { op: "mul", args: [21, 3] }, // 22 gradient through x*x
      { op: "add", args: [14, 22] }, // 23 gradient: output
    ],
    outputs: [23],
    sums: [10],
  };
}
