// The worker pool behind the threaded GEMM: one shared WebAssembly memory that the calling thread
// and every worker run the same GEMM driver on (operands are staged once, nothing is copied per
// worker; it is apart from the one-thread arena, as shared and unshared memories need different
// modules, and like it grows to the largest working set, about 32 MB plus packing buffers), a
// control block of int32 slots (protocol.ts), and the synchronous fork/join `run`.
// Platform-neutral: the platform entries (src/node/threads.ts, ./web.ts) only say how to start a
// worker from source text. Until a worker has instantiated its modules the caller leaves it out,
// so enabling threads never blocks and the first products simply run on fewer threads.
import { ChainruleError } from "../../errors.js";
import { GEMM_F32_FMA_SHARED_BASE64, GEMM_F32_SHARED_BASE64, GEMM_F64_FMA_SHARED_BASE64, GEMM_F64_SHARED_BASE64 } from "../wasm/gemm-shared-module.js";
import { decodeBase64 } from "../wasm/base64.js";
import { wasmRelaxedSimdSupported } from "../wasm/loader.js";
import { MAX_WASM_BYTES } from "../wasm/arena.js";
import {
  ACTIVE_SPAN, ARGS, AXIS, CHUNK, DONE, FAILED, GO, JOINED, KIND, MAX_SEQ, NARGS, NCHUNKS, NEXT, PACK_STRIDE, READY, SLOT, STATE, STOP, TOTAL,
  chunkArgs, slotMessage, type WorkerInit,
} from "./protocol.js";

/** What a platform gives back for a started worker. */
export interface WorkerHandle {
  terminate(): unknown;
}

/**
 * Starts one worker running `WORKER_BODY` (protocol.ts), sends it `init`, and calls `fail` if
 * the worker dies or reports an error outside a job (the pool then refuses further work).
 */
export type Spawn = (init: WorkerInit, fail: (reason: string) => void) => WorkerHandle;

type Driver = (...args: number[]) => void;

/** One staged product, cut into chunks that the participating threads take in turn. */
export interface Pass {
  /** 0 float32, 1 float64. */
  kind: 0 | 1;
  /** 0 batch, 1 rows of C, 2 columns of C. */
  axis: 0 | 1 | 2;
  /** Extent along the axis, and of one chunk (the last may be shorter). */
  total: number;
  chunk: number;
  /** Bytes between participants' packing buffers (participant 0's are at args[15], args[16]). */
  packStride: number;
  /** The driver's 20 arguments for the whole product. */
  args: number[];
}

const PAGE = 65536;
/**
 * Default time a join waits for a worker before declaring it dead (a worker killed mid-job
 * cannot say so: its exit event would only arrive once the blocked caller returns). Generous,
 * as a 4096^3 float64 product legitimately takes seconds per thread.
 */
const DEFAULT_TIMEOUT_MS = 60_000;

/** Loads of a worker's DONE word before the caller sleeps on it (some tens of µs). */
const SPIN_LOADS = 10_000;

/** Can this thread block in Atomics.wait? Not a browser's main thread: it spins there instead. */
let canBlock: boolean | undefined;
function blockingAllowed(c: Int32Array): boolean {
  if (canBlock === undefined) {
    try {
      Atomics.wait(c, SLOT - 1, 1, 0); // an unused word, 0: returns at once where allowed
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}

export class Pool {
  readonly memory: WebAssembly.Memory;
  readonly control: Int32Array;
  /** Typed views over the shared memory, re-made when it grows. */
  f32 = new Float32Array(0);
  f64 = new Float64Array(0);
  private capacity = 0;
  private readonly drivers: [Driver, Driver];
  private readonly handles: WorkerHandle[] = [];
  private seq = 0;
  private readonly args: number[] = new Array<number>(NARGS).fill(0);
  private failure: string | null = null;
  private stopped = false;
  timeoutMs = DEFAULT_TIMEOUT_MS;

  /** Starts `workers` workers through `spawn`; throws if WebAssembly threads are unavailable. */
  constructor(readonly workers: number, spawn: Spawn) {
    this.memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_WASM_BYTES / PAGE, shared: true });
    this.refresh();
    this.control = new Int32Array(new SharedArrayBuffer(4 * SLOT * (workers + 1)));
    const fma = wasmRelaxedSimdSupported();
    const modules = this.compile(fma);
    this.drivers = modules.map((m) => new WebAssembly.Instance(m, { env: { memory: this.memory } }).exports.gemm as Driver) as [Driver, Driver];
    // Slot 0 describes the current pass; workers take slots 1..workers.
    for (let s = 1; s <= workers; s++) {
      const init: WorkerInit = { memory: this.memory, modules, control: this.control.buffer as SharedArrayBuffer, slot: s };
      this.handles.push(spawn(init, (reason) => this.fail(`worker ${s} ${reason}`)));
    }
  }

  private compile(fma: boolean): [WebAssembly.Module, WebAssembly.Module] {
    const src = fma ? [GEMM_F32_FMA_SHARED_BASE64, GEMM_F64_FMA_SHARED_BASE64] : [GEMM_F32_SHARED_BASE64, GEMM_F64_SHARED_BASE64];
    try {
      return src.map((s) => new WebAssembly.Module(decodeBase64(s))) as [WebAssembly.Module, WebAssembly.Module];
    } catch (e) {
      // A runtime that validates relaxed SIMD but will not compile it still has the plain build.
      if (fma) return this.compile(false);
      throw e;
    }
  }

  private refresh(): void {
    const buf = this.memory.buffer;
    this.capacity = buf.byteLength;
    this.f32 = new Float32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /** Makes the shared memory at least `bytes` long; false when over the cap or refused. */
  reserve(bytes: number): boolean {
    if (bytes <= this.capacity) return true;
    if (bytes > MAX_WASM_BYTES) return false;
    try {
      this.memory.grow(Math.ceil((bytes - this.capacity) / PAGE));
    } catch {
      return false;
    }
    this.refresh();
    return true;
  }

  /** Workers that have started and can take a job now. */
  readyWorkers(): number {
    if (this.stopped) return 0;
    let r = 0;
    for (let s = 1; s <= this.workers; s++) {
      const v = Atomics.load(this.control, s * SLOT + READY);
      if (v === 1) r++;
      else if (v === -1) this.fail(`worker ${s} could not start: ${slotMessage(this.control, s)}`);
    }
    return r;
  }

  /**
   * Resolves once every worker is ready; false, with the pool stopped (so products quietly run on
   * one thread), if one could not start or the pool was stopped first.
   */
  async whenReady(): Promise<boolean> {
    for (;;) {
      if (this.failure !== null || this.stopped) {
        await this.shutdown();
        return false;
      }
      if (this.readyWorkers() === this.workers) return true;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private fail(reason: string): void {
    if (!this.stopped && this.failure === null) this.failure = reason;
  }

  /** A failure noticed between jobs (a worker died): reported by the next `run`. */
  get failed(): string | null {
    return this.failure;
  }

  /**
   * Runs the pass on the calling thread and up to `threads - 1` ready workers, returning when it
   * is done. Throws ChainruleError naming `op` if a worker fails or times out; the pool is then
   * stopped. (A worker that was not woken in time simply finds no chunk left.) `callerWorks`
   * false leaves every chunk to the workers (tests use it to aim a job at a worker).
   */
  run(op: string, pass: Pass, threads: number, callerWorks = true): void {
    if (this.failure !== null) {
      void this.shutdown();
      throw this.error(op, this.failure);
    }
    const c = this.control;
    const nchunks = Math.ceil(pass.total / pass.chunk);
    c[KIND] = pass.kind;
    c[AXIS] = pass.axis;
    c[TOTAL] = pass.total;
    c[CHUNK] = pass.chunk;
    c[NCHUNKS] = nchunks;
    c[PACK_STRIDE] = pass.packStride;
    for (let i = 0; i < NARGS; i++) c[ARGS + i] = pass.args[i];
    Atomics.store(c, NEXT, 0);
    this.seq = (this.seq % MAX_SEQ) + 1;
    const seq = this.seq;
    Atomics.store(c, STATE, seq * ACTIVE_SPAN); // open, nobody inside yet
    const slots: number[] = [];
    const wake = Math.min(threads - 1, callerWorks ? nchunks - 1 : nchunks);
    for (let s = 1; s <= this.workers && slots.length < wake; s++) {
      if (Atomics.load(c, s * SLOT + READY) !== 1) continue;
      slots.push(s);
      Atomics.store(c, s * SLOT + GO, seq);
      Atomics.notify(c, s * SLOT + GO);
    }
    let mainError: unknown = null;
    try {
      const run = this.drivers[pass.kind], args = this.args;
      for (let i = callerWorks ? Atomics.add(c, NEXT, 1) : nchunks; i < nchunks; i = Atomics.add(c, NEXT, 1)) {
        chunkArgs(c, i, 0, args);
        run(...args);
      }
    } catch (e) {
      mainError = e;
      Atomics.store(c, NEXT, nchunks); // the workers stop taking chunks too
    }
    // Close the pass once every chunk is taken and no worker is inside (they write the memory),
    // even after an error here. Workers not yet in never get in, so none is waited for in vain.
    const deadline = Date.now() + this.timeoutMs;
    const block = blockingAllowed(c);
    for (let spins = 0; ; ) {
      const st = Atomics.load(c, STATE);
      if (st === seq * ACTIVE_SPAN && Atomics.load(c, NEXT) >= nchunks && Atomics.compareExchange(c, STATE, st, 0) === st) break;
      // Spin first: a worker finishing about when the caller does is the common case, and a
      // futex sleep and wake-up costs tens of microseconds against a load's few nanoseconds.
      if (++spins < SPIN_LOADS) continue;
      if (Date.now() > deadline) {
        const stuck = slots.filter((s) => Atomics.load(c, s * SLOT + JOINED) === seq && Atomics.load(c, s * SLOT + DONE) !== seq);
        const who = stuck.length > 0 ? `worker ${stuck.join(", ")}` : "no worker took the work and it";
        this.failure = `${who} did not finish within ${this.timeoutMs} ms (killed or stuck)`;
        void this.shutdown();
        throw this.error(op, this.failure);
      }
      if (block) Atomics.wait(c, STATE, st, 20);
    }
    for (const s of slots) {
      if (Atomics.load(c, s * SLOT + FAILED) === seq) {
        this.failure = `worker ${s} failed: ${slotMessage(c, s)}`;
        void this.shutdown();
        throw this.error(op, this.failure);
      }
    }
    if (mainError !== null) throw mainError;
  }

  private error(op: string, reason: string): ChainruleError {
    return new ChainruleError(
      `${op}: the threaded GEMM failed (${reason}); threads are now off and products run on one thread. Call enableThreads() again to restart them.`,
    );
  }

  /** Tells the workers to leave their loops and terminates them; the pool cannot run again. */
  shutdown(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    const c = this.control;
    for (let s = 1; s <= this.workers; s++) {
      Atomics.store(c, s * SLOT + GO, STOP);
      Atomics.notify(c, s * SLOT + GO);
    }
    return Promise.all(this.handles.map((h) => h.terminate())).then(() => undefined);
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
