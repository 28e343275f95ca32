// Loads the embedded GEMM modules lazily, one per element type, synchronously (`new
// WebAssembly.Module`; no fetch, no Node-only API, so it works in browsers and workers), after
// checking that the runtime has WebAssembly SIMD, and picks the relaxed-SIMD build (fused
// multiply-adds, up to a third faster where the CPU has fewer add/multiply ports than FMA ones)
// when the runtime has relaxed SIMD (Chrome 114+, Node 22+). They share the library's one Wasm memory
// (src/kernels/wasm/arena.ts). Everything degrades to `null`, and the callers to the pure-JS
// kernels, when WebAssembly or SIMD is missing, when compilation is refused (a CSP without
// 'wasm-unsafe-eval', say), or when the Wasm path is switched off.
import { GEMM_F32_BASE64, GEMM_F32_FMA_BASE64, GEMM_F64_BASE64, GEMM_F64_FMA_BASE64, RELAXED_SIMD_PROBE, SIMD_PROBE } from "./gemm-module.js";
import { decodeBase64 } from "./base64.js";
import { wasmMemory } from "./arena.js";

/** Element types with a Wasm GEMM. */
export type WasmFloat = "f32" | "f64";

/**
 * The exported blocked driver: (batch, m, n, k, a, aBs, aRs, aCs, b, bBs, bRs, bCs, c, cBs, ldc,
 * packA, packB, MC, KC, NC), addresses in bytes, strides in elements (see wat/driver.mjs).
 */
export type GemmDriver = (...args: number[]) => void;

const drivers: Record<WasmFloat, GemmDriver | null | undefined> = { f32: undefined, f64: undefined };
let simd: boolean | undefined;
let relaxed: boolean | undefined;
let enabled = readEnvEnabled();

/** `CHAINRULE_WASM=0` turns the Wasm kernels off where a `process` global exists (Node, tests). */
function readEnvEnabled(): boolean {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const v = proc?.env?.CHAINRULE_WASM;
  return !(v === "0" || v === "false" || v === "off");
}

/** True when the runtime validates a module that uses a SIMD128 instruction. */
export function wasmSimdSupported(): boolean {
  if (simd === undefined) {
    try {
      simd = typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
    } catch {
      simd = false;
    }
  }
  return simd;
}

/** True when the runtime also has relaxed SIMD (its fused multiply-add). */
export function wasmRelaxedSimdSupported(): boolean {
  if (relaxed === undefined) {
    try {
      relaxed = wasmSimdSupported() && WebAssembly.validate(RELAXED_SIMD_PROBE);
    } catch {
      relaxed = false;
    }
  }
  return relaxed;
}

/**
 * Switches the WebAssembly kernels on or off (on by default where supported); off, every kernel
 * runs its pure-JS version. Tests use it to run both paths; `CHAINRULE_WASM=0` in the environment
 * starts with them off.
 */
export function setWasmEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the WebAssembly kernels are switched on and supported by this runtime. */
export function wasmAvailable(): boolean {
  return enabled && wasmSimdSupported();
}

/** The GEMM driver for one element type, or null when disabled or unavailable. */
export function gemmDriver(t: WasmFloat): GemmDriver | null {
  if (!enabled) return null;
  let d = drivers[t];
  if (d === undefined) d = drivers[t] = wasmSimdSupported() ? instantiate(t, wasmRelaxedSimdSupported()) : null;
  return d;
}

function instantiate(t: WasmFloat, fma: boolean): GemmDriver | null {
  const base64 = t === "f32" ? (fma ? GEMM_F32_FMA_BASE64 : GEMM_F32_BASE64) : fma ? GEMM_F64_FMA_BASE64 : GEMM_F64_BASE64;
  try {
    const module = new WebAssembly.Module(decodeBase64(base64));
    const inst = new WebAssembly.Instance(module, { env: { memory: wasmMemory() } });
    return inst.exports.gemm as GemmDriver;
  } catch {
    // A runtime that validates relaxed SIMD but will not compile it still has the plain build.
    return fma ? instantiate(t, false) : null;
  }
}
