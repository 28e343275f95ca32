// The one place the core looks for threads: `gemmBest` (../wasm/gemm.ts) asks `gemmThreadHook()`
// and, when a pool is running, offers it the product first. Kept apart from the pool so the core
// imports a few lines, not the threading code, and never a platform module.
import type { MatView } from "../gemm.js";

/** Runs the product on several threads and returns true, or returns false having written nothing. */
export type GemmHook = (batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView) => boolean;

let hook: GemmHook | null = null;

export function gemmThreadHook(): GemmHook | null {
  return hook;
}

/** Installs (or with null removes) the threaded GEMM. */
export function setGemmThreadHook(h: GemmHook | null): void {
  hook = h;
}
