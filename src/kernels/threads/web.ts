// chainrule/threads in browsers: the same pool on Web Workers. Needs shared memory, which browsers
// give only to cross-origin isolated pages (COOP + COEP headers; `crossOriginIsolated` is true).
// A page's main thread may not block in Atomics.wait, so there the caller spins (briefly: it has
// done its own share first); inside a worker it blocks. Browser-safe: no node: imports.
import { ArgumentError } from "../../errors.js";
import { WORKER_BODY, type WorkerInit } from "./protocol.js";
import { activePool, startThreads, stopThreads } from "./gemm.js";
import type { WorkerHandle } from "./pool.js";
import { wasmSimdSupported } from "../wasm/loader.js";

interface WebWorkerLike {
  postMessage(data: unknown): void;
  terminate(): void;
  addEventListener(type: "error", f: (e: { message?: string }) => void): void;
}
interface WebGlobals {
  Worker?: new (url: string) => WebWorkerLike;
  Blob?: new (parts: string[], opts: { type: string }) => unknown;
  URL?: { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
}

const WEB_WORKER_SOURCE = `${WORKER_BODY}\nself.onmessage = (e) => { self.onmessage = null; start(e.data); };\n`;

function spawn(init: WorkerInit, fail: (reason: string) => void): WorkerHandle {
  const g = globalThis as WebGlobals;
  const url = g.URL!.createObjectURL(new g.Blob!([WEB_WORKER_SOURCE], { type: "text/javascript" }));
  const w = new g.Worker!(url);
  w.addEventListener("error", (e) => fail(`crashed: ${e.message ?? "unknown error"}`));
  w.postMessage(init);
  return {
    terminate() {
      w.terminate();
      g.URL!.revokeObjectURL(url);
    },
  };
}

/**
 * Runs large float32/float64 matrix products on `threads` threads in all (default
 * `navigator.hardwareConcurrency`), the calling one included; 1 stops them. Resolves to true
 * once every worker is ready, false when threads cannot run (no Worker, not cross-origin
 * isolated, no Wasm SIMD); never rejects.
 */
export function enableThreads(threads?: number): Promise<boolean> {
  const g = globalThis as WebGlobals;
  const n = threads ?? g.navigator?.hardwareConcurrency ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`enableThreads: threads must be an integer >= 1, got ${String(threads)}`);
  if (n === 1) return stopThreads().then(() => false);
  if (!g.Worker || !g.Blob || !g.URL || g.crossOriginIsolated !== true || typeof SharedArrayBuffer !== "function" || !wasmSimdSupported())
    return Promise.resolve(false);
  try {
    return startThreads(n - 1, spawn).whenReady();
  } catch {
    return Promise.resolve(false);
  }
}

/** Stops the workers; products run on the calling thread again. */
export function disableThreads(): Promise<void> {
  return stopThreads();
}

/** Threads products can use right now: 1 (the caller) plus the workers that are ready. */
export function threadCount(): number {
  const p = activePool();
  return p === null ? 1 : 1 + p.readyWorkers();
}
