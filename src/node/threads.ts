/// <reference types="node" />
// chainrule/threads for Node: runs large matrix products (np.matmul, dot, tensordot, einsum,
// convolutions lowered to GEMM) on worker_threads, the calling thread taking a share. Opt-in,
// because starting workers costs memory and ~20 ms, and because only this entry may import
// node: modules (the core stays browser-safe). The API stays synchronous: the caller blocks in
// Atomics.wait while the workers finish. Workers are unref'd, so they never keep a process alive.
//
//   import { enableThreads } from "chainrule/threads";
//   enableThreads();          // one worker per extra core; await it to know they are up
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { ArgumentError } from "../errors.js";
import { WORKER_BODY, type WorkerInit } from "../kernels/threads/protocol.js";
import { activePool, startThreads, stopThreads } from "../kernels/threads/gemm.js";
import type { WorkerHandle } from "../kernels/threads/pool.js";
import { wasmSimdSupported } from "../kernels/wasm/loader.js";

// The worker is eval'd source (no file to locate next to a bundle); CommonJS scope, so `require`.
const NODE_WORKER_SOURCE = `${WORKER_BODY}\nrequire("node:worker_threads").parentPort.once("message", start);\n`;

function spawn(init: WorkerInit, fail: (reason: string) => void): WorkerHandle {
  // No inherited --import/--require hooks: the worker runs plain JavaScript and starts faster.
  // (V8 flags such as --experimental-wasm-relaxed-simd are process-wide: workers have them.)
  const w = new Worker(NODE_WORKER_SOURCE, { eval: true, execArgv: [] });
  w.unref();
  let stopping = false;
  w.on("error", (e) => fail(`crashed: ${e instanceof Error ? e.message : String(e)}`));
  w.on("exit", (code) => {
    if (!stopping) fail(`exited unexpectedly (code ${code})`);
  });
  w.postMessage(init);
  return {
    terminate() {
      stopping = true;
      return w.terminate();
    },
  };
}

/**
 * Runs large float32/float64 matrix products on `threads` threads in all: the calling one plus
 * `threads - 1` workers (default: every core, `os.availableParallelism()`). 1 stops them. The
 * promise resolves to true once every worker is ready (products started before then use the
 * workers ready so far) and to false if threads cannot run here (no WebAssembly SIMD or shared
 * memory); it never rejects. Calling it again replaces the pool.
 */
export function enableThreads(threads: number = availableParallelism()): Promise<boolean> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new ArgumentError(`enableThreads: threads must be an integer >= 1, got ${String(threads)}; pass e.g. os.availableParallelism()`);
  if (threads === 1) return stopThreads().then(() => false);
  if (!wasmSimdSupported()) return Promise.resolve(false);
  try {
    return startThreads(threads - 1, spawn).whenReady();
  } catch {
    return Promise.resolve(false);
  }
}

/** Stops the workers; products run on the calling thread again. Resolves once they have exited. */
export function disableThreads(): Promise<void> {
  return stopThreads();
}

/** Threads products can use right now: 1 (the caller) plus the workers that are ready. */
export function threadCount(): number {
  const p = activePool();
  return p === null ? 1 : 1 + p.readyWorkers();
}
