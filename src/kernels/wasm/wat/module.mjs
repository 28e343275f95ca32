// Assembles the WAT text of the GEMM modules, one per element type: each imports the library's
// single memory ("env" "memory", created and grown from JS) and holds the micro-kernel, the two
// packing routines and the exported blocked driver `gemm`. Two small modules rather than one
// because Chrome refuses synchronous compilation (`new WebAssembly.Module`) of modules over 4 KB
// on the main thread.
import { DTYPES } from "./common.mjs";
import { kernelWat } from "./kernel.mjs";
import { packWat } from "./pack.mjs";
import { driverWat } from "./driver.mjs";

/** WAT text of the float32 ("f32") or float64 ("f64") GEMM module. */
export function gemmModuleWat(t) {
  const d = DTYPES.find((x) => x.t === t);
  if (!d) throw new Error(`gemmModuleWat: unknown element type ${t}`);
  return ["(module", '(import "env" "memory" (memory 1))', kernelWat(d), packWat(d, "A"), packWat(d, "B"), driverWat(d), ")"].join("\n") + "\n";
}

/** The smallest module using a SIMD instruction: validating it tells whether SIMD is supported. */
export function simdProbeWat() {
  return "(module (func (result v128) (v128.const i32x4 0 0 0 0)))\n";
}
