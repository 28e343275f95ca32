// The GEMM's blocking, shared by the one-thread driver (gemm.ts) and the threaded split
// (../threads/gemm.ts): the same KC keeps threaded results bitwise equal to one thread's.

import type { WasmFloat } from "./loader.js";
import type { MatView } from "../gemm.js";

/** Micro-tile height, and width per element type (the Wasm kernels' MR and NR). */
export const MR = 4;
export const NR: Record<WasmFloat, number> = { f32: 8, f64: 4 };

/**
 * Cache blocks (elements). The KC x NR sliver of B (16 KB) stays in L1 while the MC x KC block of
 * packed A (256 KB) streams from L2 and the KC x NC panel of B sits in L2/L3. MC must be a
 * multiple of MR and NC of NR. Swept on the development machine (48 KB L1d, 2 MB L2) over MC
 * 32..256 and KC 256..1024 at 1024^3: every choice in that range came within 3 % of the others,
 * the micro-kernel being bound by the FP ports rather than by memory.
 */
export const BLOCKS: Record<WasmFloat, { MC: number; KC: number; NC: number }> = {
  f32: { MC: 128, KC: 512, NC: 2048 },
  f64: { MC: 64, KC: 512, NC: 2048 },
};

/**
 * Bytes of operands staged per Wasm call: batches are grouped, and a matrix too big for it is cut
 * into blocks of C's rows and columns, so the memory (which never shrinks) stays near this size
 * whatever the problem; the extra copies are O(n^2) against O(n^3) work.
 */
export const WORKING_SET_BYTES = 1 << 25;

/** The Wasm element type shared by all three operands, or null (mixed or integer: the JS kernel). */
export function floatKind(a: MatView, b: MatView, c: MatView): WasmFloat | null {
  if (a.data instanceof Float32Array && b.data instanceof Float32Array && c.data instanceof Float32Array) return "f32";
  if (a.data instanceof Float64Array && b.data instanceof Float64Array && c.data instanceof Float64Array) return "f64";
  return null;
}

export const roundUp = (x: number, r: number): number => Math.ceil(x / r) * r;
/** Element offsets are kept 64-byte aligned (16 float32 or 8 float64 elements). */
export const align = (x: number, E: number): number => roundUp(x, 64 / E);

/**
 * Whether computing Cᵀ = Bᵀ · Aᵀ wastes fewer multiply-adds on the MR x NR tile's padding than
 * C = A · B does: a 9-wide product pads to 16 columns but to 12 rows, an n = 1 product to 8
 * columns but to 4 rows. The results are bitwise the same either way (each element sums the same
 * products, commuted, in the same k order and blocks), so this is purely a speed choice; the 10 %
 * margin keeps near-ties in the caller's layout, whose result copy is the cheaper one.
 */
export function swapPays(t: WasmFloat, m: number, n: number): boolean {
  const nr = NR[t];
  return roundUp(n, MR) * roundUp(m, nr) < 0.9 * roundUp(m, MR) * roundUp(n, nr);
}
