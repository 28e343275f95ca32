// Assembles the WAT text of the GEMM modules, one per element type: each imports the library's
// single memory ("env" "memory", created and grown from JS) and holds the micro-kernel, the two
// packing routines and the exported blocked driver `gemm`. Two small modules rather than one
// because Chrome long refused synchronous compilation (`new WebAssembly.Module`) of modules over
// 4 KB on a page's main thread (later 8 MB; docs/internals.md, "Browsers").
import { DTYPES } from "./common.mjs";
import { kernelWat } from "./kernel.mjs";
import { packWat } from "./pack.mjs";
import { driverWat } from "./driver.mjs";

/**
 * Page limit declared by the shared-memory modules (the whole 32-bit space): a shared memory must
 * declare a maximum, and the one imported may declare any smaller one.
 */
export const SHARED_MAX_PAGES = 65536;

/**
 * WAT text of the float32 ("f32") or float64 ("f64") GEMM module; `fma` uses relaxed SIMD.
 * `shared` imports a shared memory instead (for the worker-thread GEMM, src/kernels/threads/):
 * the import's type must match the memory's, so it is a separate module with the same code.
 */
export function gemmModuleWat(t, fma = false, shared = false) {
  const d = DTYPES.find((x) => x.t === t);
  if (!d) throw new Error(`gemmModuleWat: unknown element type ${t}`);
  const memory = shared ? `(memory 1 ${SHARED_MAX_PAGES} shared)` : "(memory 1)";
  return ["(module", `(import "env" "memory" ${memory})`, kernelWat(d, fma), packWat(d, "A"), packWat(d, "B"), driverWat(d), ")"].join("\n") + "\n";
}

/** The smallest module using a SIMD instruction: validating it tells whether SIMD is supported. */
export function simdProbeWat() {
  return "(module (func (result v128) (v128.const i32x4 0 0 0 0)))\n";
}

/** The same for relaxed SIMD's fused multiply-add. */
export function relaxedProbeWat() {
  return "(module (func (param v128) (result v128) (f32x4.relaxed_madd (local.get 0) (local.get 0) (local.get 0))))\n";
}
