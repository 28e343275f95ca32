// The protocol between the calling thread and the GEMM workers, over one SharedArrayBuffer of
// int32 words. Slot 0 describes the current pass (the driver's arguments for the whole product,
// how it is cut into chunks, the shared chunk counter and the pass state); slot s >= 1 is worker
// s's mailbox. The caller opens a pass, bumps the woken workers' GO and notifies; every
// participant, the caller included, takes chunks off the counter until none are left (so a
// worker that wakes late, or shares its core with another process, just does fewer), and the
// caller closes the pass once every chunk is taken and no worker is inside it. A worker that
// arrives after the close does nothing, so the caller never waits for a worker with no work.
// Nothing is posted per pass: a message needs the receiver's event loop, and the caller is blocked.

/** Worker mailbox words (slot s >= 1). */
export const READY = 0; // 1 once the worker has instantiated its modules, -1 if that failed
export const GO = 1; // sequence number of the pass to join; STOP ends the worker's loop
export const JOINED = 2; // sequence number of the last pass the worker got into
export const DONE = 3; // sequence number of the last pass the worker finished its part of
export const FAILED = 4; // sequence number of a pass in which a chunk threw (message in MSG)
export const MSG_LEN = 5; // length of the error message, then its UTF-16 code units
export const MSG = 6;
export const MSG_MAX = 200;

/** Pass words (slot 0). */
export const KIND = 0; // 0 float32, 1 float64
export const AXIS = 1; // 0 batch, 1 rows of C, 2 columns of C
export const TOTAL = 2; // extent along the axis (batches, rows or columns)
export const CHUNK = 3; // extent of one chunk (a multiple of the micro-tile along the axis)
export const NCHUNKS = 4;
export const NEXT = 5; // the next chunk to take (Atomics.add)
export const PACK_STRIDE = 6; // bytes between consecutive participants' packing buffers
/** seq * ACTIVE_SPAN + workers inside the pass while it is open; 0 once closed. */
export const STATE = 7;
export const ARGS = 8; // the driver's 20 arguments for the whole pass (wat/driver.mjs)
export const NARGS = 20;

export const SLOT = MSG + MSG_MAX;
export const ACTIVE_SPAN = 256;
/** Sequence numbers cycle through 1..MAX_SEQ (so seq * ACTIVE_SPAN fits an int32). */
export const MAX_SEQ = 0x3fffff;

/** GO value that tells a worker to leave its loop. */
export const STOP = -1;

/** Loads of GO a worker spins for after a pass before sleeping (some tens of µs). */
export const SPIN_LOADS = 20_000;

/** What a worker is sent once, when it starts (structured-cloneable on Node and the web). */
export interface WorkerInit {
  memory: WebAssembly.Memory;
  /** The float32 and float64 driver modules, compiled once by the caller. */
  modules: [WebAssembly.Module, WebAssembly.Module];
  control: SharedArrayBuffer;
  slot: number;
}

/**
 * Fills `out` with the driver's arguments for chunk `i` of the pass in `c` (slot 0), for
 * participant `who` (0 the caller, s a worker: its own packing buffers). The worker has a copy
 * of this function in WORKER_BODY; the bitwise tests of test/kernels/threads.test.ts cover both.
 */
export function chunkArgs(c: Int32Array, i: number, who: number, out: number[]): void {
  const E = c[KIND] === 0 ? 4 : 8, lo = i * c[CHUNK], len = Math.min(c[TOTAL] - lo, c[CHUNK]);
  for (let j = 0; j < NARGS; j++) out[j] = c[ARGS + j];
  const axis = c[AXIS];
  if (axis === 0) {
    out[0] = len;
    out[4] += lo * out[5] * E;
    out[8] += lo * out[9] * E;
    out[12] += lo * out[13] * E;
  } else if (axis === 1) {
    out[1] = len;
    out[4] += lo * out[6] * E;
    out[12] += lo * out[14] * E;
  } else {
    out[2] = len;
    out[8] += lo * out[11] * E;
    out[12] += lo * E;
  }
  out[15] += who * c[PACK_STRIDE];
  out[16] += who * c[PACK_STRIDE];
}

/**
 * The worker's code, platform-neutral JavaScript (a string so it needs no file, bundler or
 * loader): `start(init)` is called with the WorkerInit by the platform's prologue. It parks in
 * Atomics.wait between passes and never returns to its event loop until told to stop.
 */
export const WORKER_BODY = `
function start(init) {
  const c = new Int32Array(init.control), me = init.slot, base = me * ${SLOT};
  let drivers;
  try {
    drivers = init.modules.map((m) => new WebAssembly.Instance(m, { env: { memory: init.memory } }).exports.gemm);
  } catch (e) {
    report(e);
    Atomics.store(c, base + ${READY}, -1);
    Atomics.notify(c, base + ${READY});
    return;
  }
  Atomics.store(c, base + ${READY}, 1);
  Atomics.notify(c, base + ${READY});
  const a = new Array(${NARGS}).fill(0);
  let seen = 0;
  for (;;) {
    // Spin a little before sleeping: products often come back to back, and a worker woken from
    // a futex sleep starts tens of microseconds later than a spinning one.
    for (let i = 0; i < ${SPIN_LOADS} && Atomics.load(c, base + ${GO}) === seen; i++);
    Atomics.wait(c, base + ${GO}, seen);
    const go = Atomics.load(c, base + ${GO});
    if (go === ${STOP}) return;
    if (go === seen) continue;
    seen = go;
    // Join the pass if it is still open: one compare-and-swap counts us in, so the caller
    // cannot close it (and rewrite slot 0) while we read it.
    let joined = false;
    for (;;) {
      const st = Atomics.load(c, ${STATE});
      if (Math.floor(st / ${ACTIVE_SPAN}) !== go) break;
      if (Atomics.compareExchange(c, ${STATE}, st, st + 1) === st) {
        joined = true;
        break;
      }
    }
    if (!joined) continue;
    Atomics.store(c, base + ${JOINED}, go);
    try {
      const run = drivers[c[${KIND}]], n = c[${NCHUNKS}];
      for (let i = Atomics.add(c, ${NEXT}, 1); i < n; i = Atomics.add(c, ${NEXT}, 1)) {
        chunkArgs(i);
        run(...a);
      }
    } catch (e) {
      report(e);
      Atomics.store(c, ${NEXT}, c[${NCHUNKS}]); // nobody takes the rest: the caller will throw
      Atomics.store(c, base + ${FAILED}, go);
    }
    Atomics.store(c, base + ${DONE}, go);
    Atomics.sub(c, ${STATE}, 1);
    Atomics.notify(c, ${STATE});
  }
  function chunkArgs(i) {
    const E = c[${KIND}] === 0 ? 4 : 8, lo = i * c[${CHUNK}], len = Math.min(c[${TOTAL}] - lo, c[${CHUNK}]);
    for (let j = 0; j < ${NARGS}; j++) a[j] = c[${ARGS} + j];
    const axis = c[${AXIS}];
    if (axis === 0) {
      a[0] = len; a[4] += lo * a[5] * E; a[8] += lo * a[9] * E; a[12] += lo * a[13] * E;
    } else if (axis === 1) {
      a[1] = len; a[4] += lo * a[6] * E; a[12] += lo * a[14] * E;
    } else {
      a[2] = len; a[8] += lo * a[11] * E; a[12] += lo * E;
    }
    a[15] += me * c[${PACK_STRIDE}];
    a[16] += me * c[${PACK_STRIDE}];
  }
  function report(e) {
    const s = String(e && e.message ? e.message : e).slice(0, ${MSG_MAX});
    for (let i = 0; i < s.length; i++) c[base + ${MSG} + i] = s.charCodeAt(i);
    c[base + ${MSG_LEN}] = s.length;
  }
}
`;

/** Reads the error message a worker left in its slot. */
export function slotMessage(c: Int32Array, slot: number): string {
  const base = slot * SLOT, len = Math.min(c[base + MSG_LEN], MSG_MAX);
  let s = "";
  for (let i = 0; i < len; i++) s += String.fromCharCode(c[base + MSG + i]);
  return s;
}
