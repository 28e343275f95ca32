// Picks the compiler for a fused program: WebAssembly SIMD where it takes the program (float32,
// or float64 without transcendentals; null otherwise, or with Wasm off), else JS.
import { FusedKernel, FusedProgram } from "./program.js";
import { compileFusedJs } from "./js.js";
import { compileFusedWasm } from "./wasm.js";

export function compileFused(p: FusedProgram): FusedKernel {
  return compileFusedWasm(p) ?? compileFusedJs(p);
}
