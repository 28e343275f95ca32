// The worker-thread GEMM (src/kernels/threads/, src/node/threads.ts): results bitwise equal to the
// one-thread Wasm path and within rounding of a float64 triple loop, for float32 and float64, odd
// sizes, transposed / strided / reversed / broadcast operands, batches and strided outputs, with
// each way of cutting the work; the size threshold; worker failure and timeout surfacing as
// errors; clean shutdown; and a process with threads on still exiting by itself.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { enableThreads, disableThreads, threadCount } from "../../src/node/threads.js";
import { activePool, setThreadMinWork, threadedPassCount, THREAD_MIN_WORK } from "../../src/kernels/threads/gemm.js";
import { splitWork } from "../../src/kernels/threads/split.js";
import { gemmThreadHook, setGemmThreadHook } from "../../src/kernels/threads/hook.js";
import { gemmBest } from "../../src/kernels/wasm/gemm.js";
import { wasmAvailable, wasmRelaxedSimdSupported } from "../../src/kernels/wasm/loader.js";
import type { MatView } from "../../src/kernels/gemm.js";
import { np, ChainruleError, ArgumentError } from "../../src/index.js";
import { at, naive } from "../helpers/gemm.js";
import { xorshift } from "../helpers/data.js";

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type Layout = "row" | "col" | "strided" | "reversed";

const rng = (seed: number): (() => number) => xorshift(seed, true);

/** A batch x rows x cols operand in the given layout (broadcast: batch stride 0). */
function makeView(T: Ctor, batch: number, rows: number, cols: number, layout: Layout, rand: () => number, broadcast = false): MatView {
  let rs: number, cs: number, bs: number, offset: number;
  switch (layout) {
    case "row":
      [rs, cs, bs, offset] = [cols, 1, rows * cols, 0];
      break;
    case "col": // a transposed matrix
      [rs, cs, bs, offset] = [1, rows, rows * cols, 0];
      break;
    case "strided": // every other column of a wider matrix, from an offset
      [rs, cs, bs, offset] = [2 * cols + 3, 2, rows * (2 * cols + 3), 5];
      break;
    case "reversed": // rows in reverse order
      [rs, cs, bs, offset] = [-cols, 1, rows * cols, (rows - 1) * cols];
      break;
  }
  if (broadcast) bs = 0;
  const nb = broadcast ? 1 : batch;
  const size = offset + (nb - 1) * Math.abs(bs) + (rows - 1) * Math.abs(rs) + (cols - 1) * Math.abs(cs) + 1 + 8;
  const data = new T(size);
  for (let i = 0; i < size; i++) data[i] = rand();
  return { data, offset, batchStride: bs, rowStride: rs, colStride: cs };
}



/** An output view; "strided" leaves gaps (filled with a sentinel that must survive). */
function outView(T: Ctor, batch: number, m: number, n: number, strided: boolean): MatView {
  if (!strided) return { data: new T(batch * m * n), offset: 0, batchStride: m * n, rowStride: n, colStride: 1 };
  const rs = 2 * n + 1, data = new T(3 + batch * m * rs).fill(-7);
  return { data, offset: 3, batchStride: m * rs, rowStride: rs, colStride: 2 };
}

function readOut(c: MatView, batch: number, m: number, n: number): number[] {
  const r: number[] = [];
  for (let t = 0; t < batch; t++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) r.push(c.data[at(c, t, i, j)]);
  return r;
}

const wasm = wasmAvailable();
/** Set in the child run of this file under --experimental-wasm-relaxed-simd (the FMA modules). */
const fmaChild = process.env.CHAINRULE_THREADS_FMA_CHILD === "1";

/** Runs f with the threads' hook removed: the one-thread path exactly as without threads. */
function oneThread(f: () => void): void {
  const h = gemmThreadHook();
  setGemmThreadHook(null);
  try {
    f();
  } finally {
    setGemmThreadHook(h);
  }
}

before(async () => {
  if (wasm) assert.equal(await enableThreads(2), true, "threads should start in Node with Wasm SIMD");
});
after(async () => {
  await disableThreads();
});

test("splitWork cuts along the evenest axis, in whole tiles, chunks of at least 64 rows or columns", () => {
  // Four equal batches, two threads, two chunks each: by batch.
  assert.deepEqual(splitWork(2, 2, 4, 100, 100, 4, 8), { axis: "batch", total: 4, chunk: 1, chunks: 4 });
  // One batch, 1024 rows: four chunks of 256 rows.
  assert.deepEqual(splitWork(2, 2, 1, 1024, 1000, 4, 8), { axis: "rows", total: 1024, chunk: 256, chunks: 4 });
  // 192 rows: two chunks of 96 deal out better than three of 64.
  assert.deepEqual(splitWork(2, 2, 1, 192, 100, 4, 8), { axis: "rows", total: 192, chunk: 96, chunks: 2 });
  // 100 rows and 100 columns give one chunk each way; three batches beat that (2 + 1 of 2 threads' turns).
  assert.deepEqual(splitWork(2, 2, 3, 100, 100, 4, 8), { axis: "batch", total: 3, chunk: 1, chunks: 3 });
  // A few rows and wide C: columns, chunks a multiple of NR (125 tiles: 32, 32, 32, 29).
  assert.deepEqual(splitWork(2, 2, 1, 4, 1000, 4, 8), { axis: "cols", total: 1000, chunk: 256, chunks: 4 });
  // Too small to cut at all: one chunk.
  assert.deepEqual(splitWork(2, 2, 1, 40, 40, 4, 8), { axis: "batch", total: 1, chunk: 1, chunks: 1 });
  // Three threads, one chunk each, 200 rows (50 tiles, at most 3 chunks of >= 64): 17 + 17 + 16 tiles.
  assert.deepEqual(splitWork(3, 1, 1, 200, 8, 4, 8), { axis: "rows", total: 200, chunk: 68, chunks: 3 });
});

test("pool starts: threadCount is 2 and the hook is installed", { skip: !wasm }, () => {
  assert.equal(threadCount(), 2);
  assert.notEqual(gemmThreadHook(), null);
});

test("threaded GEMM equals the one-thread path bitwise, and the triple loop within rounding", { skip: !wasm }, () => {
  const old = setThreadMinWork(0);
  try {
    const rand = rng(12345);
    // [batch, m, n, k]: the last ten are cut (by rows, columns or batch; k > 512 spans two k
    // blocks); the first three are too small to cut and run as a single chunk.
    const shapes: [number, number, number, number][] = [
      [1, 1, 1, 1], [1, 5, 3, 7], [1, 37, 29, 53],
      [1, 130, 3, 70], [1, 3, 130, 70], [1, 257, 61, 60], [1, 129, 133, 515], [1, 4, 1000, 12], [1, 131, 200, 600],
      [2, 33, 17, 9], [3, 21, 45, 19], [5, 8, 8, 8], [4, 1, 77, 40],
    ];
    const axes = new Set(shapes.slice(3).map(([bt, m, n]) => splitWork(2, 2, bt, m, n, 4, 8).axis));
    assert.deepEqual([...axes].sort(), ["batch", "cols", "rows"]);
    const layouts: [Layout, Layout, boolean, boolean][] = [
      ["row", "row", false, false], ["col", "row", false, false], ["row", "col", false, true],
      ["col", "col", true, false], ["strided", "reversed", false, true], ["reversed", "strided", true, true],
    ];
    let cases = 0;
    const passesBefore = threadedPassCount();
    for (const T of [Float32Array, Float64Array] as Ctor[]) {
      const tol = T === Float32Array ? 2 ** -21 : 2 ** -50;
      for (const [batch, m, n, k] of shapes)
        for (const [la, lb, bcastA, stridedC] of layouts) {
          const a = makeView(T, batch, m, k, la, rand, bcastA && batch > 1);
          const b = makeView(T, batch, k, n, lb, rand, !bcastA && batch > 1 && la === lb);
          const c1 = outView(T, batch, m, n, stridedC), c2 = outView(T, batch, m, n, stridedC);
          oneThread(() => gemmBest(batch, m, n, k, a, b, c1));
          gemmBest(batch, m, n, k, a, b, c2); // threaded
          const what = `${T.name} batch ${batch} ${m}x${k} @ ${k}x${n} ${la}/${lb}${bcastA ? " A broadcast" : ""}${stridedC ? " C strided" : ""}`;
          assert.deepEqual(c2.data, c1.data, `${what}: threaded differs from one thread (including C's gaps)`);
          const ref = naive(batch, m, n, k, a, b), got = readOut(c2, batch, m, n);
          for (let i = 0; i < got.length; i++)
            assert.ok(Math.abs(got[i] - ref.value[i]) <= tol * k * ref.scale[i] + 1e-300, `${what}: element ${i} ${got[i]} vs ${ref.value[i]}`);
          cases++;
        }
    }
    assert.equal(cases, 156);
    assert.ok(threadedPassCount() - passesBefore >= 120, `only ${threadedPassCount() - passesBefore} passes were split`);
  } finally {
    setThreadMinWork(old);
  }
});

test("products past the working set are cut into blocks and still match one thread", { skip: !wasm }, () => {
  // k x n of B is 2^22 float64 = 32 MB alone, over the 32 MB working set: C is cut by columns.
  const rand = rng(7);
  const m = 40, k = 2048, n = 2100;
  const a = makeView(Float64Array, 1, m, k, "row", rand), b = makeView(Float64Array, 1, k, n, "col", rand);
  const c1 = outView(Float64Array, 1, m, n, false), c2 = outView(Float64Array, 1, m, n, false);
  const before = threadedPassCount();
  oneThread(() => gemmBest(1, m, n, k, a, b, c1));
  gemmBest(1, m, n, k, a, b, c2);
  assert.ok(threadedPassCount() - before >= 2, "expected several threaded blocks");
  assert.deepEqual(c2.data, c1.data);
});

test("small products stay on the calling thread (threshold)", { skip: !wasm }, () => {
  const rand = rng(3);
  const cube = (T: Ctor, n: number) => {
    const a = makeView(T, 1, n, n, "row", rand), b = makeView(T, 1, n, n, "row", rand);
    const before = threadedPassCount();
    gemmBest(1, n, n, n, a, b, outView(T, 1, n, n, false));
    return threadedPassCount() > before;
  };
  const below = Math.floor(Math.cbrt(THREAD_MIN_WORK)) - 1, above = Math.ceil(Math.cbrt(THREAD_MIN_WORK)) + 1;
  for (const T of [Float32Array, Float64Array]) {
    assert.equal(cube(T, below), false);
    assert.equal(cube(T, above), true);
  }
  // Over the threshold but too thin to cut into two chunks of 64 rows or columns: one thread.
  let before = threadedPassCount();
  const a = makeView(Float64Array, 1, 100, 5000, "row", rand), b = makeView(Float64Array, 1, 5000, 100, "row", rand);
  gemmBest(1, 100, 100, 5000, a, b, outView(Float64Array, 1, 100, 100, false));
  assert.equal(threadedPassCount(), before);
  // int32 never goes to the Wasm or threaded kernels.
  const n = 300, ai = makeView(Float64Array, 1, n, n, "row", rand);
  const A: MatView = { ...ai, data: Int32Array.from(ai.data, (x) => Math.round(10 * x)) };
  const C: MatView = { data: new Int32Array(n * n), offset: 0, batchStride: n * n, rowStride: n, colStride: 1 };
  before = threadedPassCount();
  gemmBest(1, n, n, n, A, A, C);
  assert.equal(threadedPassCount(), before);
  let s = 0;
  for (let p = 0; p < n; p++) s += A.data[p] * A.data[p * n];
  assert.equal(C.data[0], s);
});

test("np.matmul with threads equals np.matmul without, float32 and float64", { skip: !wasm }, async () => {
  const rand = rng(99);
  for (const dtype of ["float32", "float64"] as const) {
    const A = np.array(Array.from({ length: 3 * 150 * 170 }, rand), { dtype }).reshape([3, 150, 170]);
    const B = np.array(Array.from({ length: 170 * 160 }, rand), { dtype }).reshape([170, 160]);
    const before = threadedPassCount();
    const threaded = np.matmul(A, B.T.T);
    const viaT = np.matmul(B.T, A.transpose([0, 2, 1])); // transposed operands, broadcast batch
    assert.ok(threadedPassCount() > before, "np.matmul should have used the threads");
    await disableThreads();
    const single = np.matmul(A, B);
    const singleT = np.matmul(B.T, A.transpose([0, 2, 1]));
    assert.equal(await enableThreads(2), true);
    assert.equal(threaded.dtype, dtype);
    assert.deepEqual(threaded.shape, [3, 150, 160]);
    assert.deepEqual(Array.from(threaded.contiguousData(false)), Array.from(single.contiguousData(false)));
    assert.deepEqual(Array.from(viaT.contiguousData(false)), Array.from(singleT.contiguousData(false)));
  }
});

/** A float64 pass of `batches` products of n x n by n x n, batch stride `aBs` in A, in memory at 0. */
function rawPass(batches: number, n: number, aBs: number) {
  const E = 8, pack = 2 * n * n * E, a = 4 * pack, b = a + n * n * E, c = b + n * n * E;
  const args = [batches, n, n, n, a, aBs, n, 1, b, 0, n, 1, c, 0, n, 0, n * n * E, 64, 512, 2048];
  return { kind: 1 as const, axis: 0 as const, total: batches, chunk: 1, packStride: pack, args, bytes: c + n * n * E };
}

test("a worker that fails mid-job surfaces as a clear error, then threads are off", { skip: !wasm }, async () => {
  const p = activePool()!;
  // A product whose A lies 1 GiB in, past the end of the shared memory: the worker's Wasm traps.
  const pass = rawPass(1, 16, 0);
  pass.args[4] = 2 ** 30;
  assert.ok(p.reserve(pass.bytes));
  assert.throws(() => p.run("matmul", pass, 2, false), (e: unknown) => e instanceof ChainruleError && /matmul/.test(e.message) && /worker 1 failed/.test(e.message) && /out of bounds/.test(e.message) && /enableThreads/.test(e.message));
  assert.equal(activePool(), null);
  assert.equal(gemmThreadHook(), null);
  assert.equal(threadCount(), 1);
  // Products still work, on one thread.
  const r = np.matmul(np.ones([200, 200]), np.ones([200, 200]));
  assert.equal(r.contiguousData(false)[0], 200);
  assert.equal(await enableThreads(2), true);
});

test("a worker that never finishes times out with a clear error instead of hanging", { skip: !wasm }, async () => {
  const p = activePool()!;
  p.timeoutMs = 150;
  // 2^30 products of 8 x 8 matrices over the same operands (batch stride 0): minutes of work.
  const pass = { ...rawPass(2 ** 30, 8, 0), chunk: 2 ** 30 };
  assert.ok(p.reserve(pass.bytes));
  const t0 = Date.now();
  assert.throws(() => p.run("matmul", pass, 2, false), (e: unknown) => e instanceof ChainruleError && /worker 1 did not finish within 150 ms/.test(e.message));
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(activePool(), null);
  assert.equal(await enableThreads(2), true);
});

test("disableThreads stops the pool; enableThreads validates its argument", { skip: !wasm }, async () => {
  assert.throws(() => enableThreads(0), ArgumentError);
  assert.throws(() => enableThreads(1.5), ArgumentError);
  await disableThreads();
  assert.equal(threadCount(), 1);
  assert.equal(gemmThreadHook(), null);
  assert.equal(await enableThreads(1), false);
  assert.equal(threadCount(), 1);
  assert.equal(await enableThreads(2), true);
  assert.equal(threadCount(), 2);
});

test("a process with threads on exits by itself (workers are unref'd)", { skip: !wasm }, () => {
  const entry = fileURLToPath(new URL("../../src/node/threads.ts", import.meta.url));
  const index = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
  const script = `
    const { enableThreads } = await import(${JSON.stringify(entry)});
    const { np } = await import(${JSON.stringify(index)});
    console.log(await enableThreads(2));
    const r = np.matmul(np.ones([300, 300]), np.ones([300, 300]));
    console.log(r.contiguousData(false)[0]);`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), "true\n300");
  assert.ok(Date.now() - t0 < 30_000);
});

// The child run declares only what applies there, so no run reports skipped tests.
if (!fmaChild) test("the whole file passes again with relaxed SIMD (the shared FMA modules)", { skip: !wasm }, () => {
  const file = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "--test", file], {
    encoding: "utf8",
    timeout: 120_000,
    // Without the parent runner's context variable the child reports in TAP on its stdout.
    env: { ...process.env, NODE_TEST_CONTEXT: undefined, CHAINRULE_THREADS_FMA_CHILD: "1" },
  });
  assert.equal(r.status, 0, r.stdout.slice(-3000) + r.stderr.slice(-2000));
  assert.match(r.stdout, /# pass 11\n# fail 0/);
});

if (fmaChild) test("child run really has relaxed SIMD", () => {
  assert.equal(wasmRelaxedSimdSupported(), true);
});
