// Picks the compiler for a fused program: WebAssembly SIMD where it takes the program (float32,
// or float64 without transcendentals; null otherwise, or with Wasm off), else JS. float64 sums
// stay in JS, whose compensated sum is at least as accurate as the eager pairwise one (the Wasm
// kernels' float64 lane sums are plain).
import { FusedKernel, FusedProgram } from "./program.js";
import { compileFusedJs } from "./js.js";
import { compileFusedWasm } from "./wasm.js";

export function compileFused(p: FusedProgram): FusedKernel {
  const wasm = p.dtype === "float64" && p.sums.length > 0 ? null : compileFusedWasm(p);
  return wasm ?? compileFusedJs(p);
}
