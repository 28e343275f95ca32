// The WebAssembly SIMD GEMM against a naive triple loop: random shapes (1 x N, N x 1, odd sizes,
// sizes crossing the cache blocks), transposed / strided / negatively strided / broadcast
// operands, batches, strided outputs, float32 and float64, with the Wasm path on and off. The
// whole file runs again in a child Node with relaxed SIMD switched on, for the FMA build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gemmBest, gemmWasm, wasmGemmPreferred } from "../../src/kernels/wasm/gemm.js";
import { setWasmEnabled, wasmAvailable, wasmRelaxedSimdSupported, wasmSimdSupported } from "../../src/kernels/wasm/loader.js";
import { wasmMemory } from "../../src/kernels/wasm/arena.js";
import { decodeBase64 } from "../../src/kernels/wasm/base64.js";
import type { MatView } from "../../src/kernels/gemm.js";
import { at, naive } from "../helpers/gemm.js";
import { xorshift } from "../helpers/data.js";

/** Set in the child run of this file under --experimental-wasm-relaxed-simd (Node 20 lacks it by default). */
const fmaChild = process.env.CHAINRULE_GEMM_FMA_CHILD === "1";
type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;

const rng = (seed: number): (() => number) => xorshift(seed, true);

type Layout = "row" | "col" | "strided" | "reversed" | "sparse";

/**
 * A batch x rows x cols operand in the given layout, inside a larger buffer where the layout
 * needs one. `broadcast` gives batch stride 0 (one matrix shared by every batch).
 */
function makeView(T: Ctor, batch: number, rows: number, cols: number, layout: Layout, rand: () => number, broadcast = false): MatView {
  const nb = broadcast ? 1 : batch;
  let rs: number, cs: number, bs: number, offset: number;
  switch (layout) {
    case "row":
      [rs, cs, bs, offset] = [cols, 1, rows * cols, 0];
      break;
    case "col":
      [rs, cs, bs, offset] = [1, rows, rows * cols, 0];
      break;
    case "strided": // every other column of a wider matrix, starting at an offset
      [rs, cs, bs, offset] = [2 * cols + 3, 2, rows * (2 * cols + 3), 5];
      break;
    case "reversed": // rows in reverse order (negative row stride)
      [rs, cs, bs, offset] = [-cols, 1, rows * cols, (rows - 1) * cols];
      break;
    case "sparse": // a thin slice of a big buffer (staged by gathering, not by copying the span)
      [rs, cs, bs, offset] = [cols * 50 + 7, 1, rows * (cols * 50 + 7), 11];
      break;
  }
  if (broadcast) bs = 0;
  const size = offset + (nb - 1) * Math.abs(bs) + (rows - 1) * Math.abs(rs) + (cols - 1) * Math.abs(cs) + 1 + 8;
  const data = new T(size);
  for (let i = 0; i < size; i++) data[i] = rand();
  return { data, offset, batchStride: bs, rowStride: rs, colStride: cs };
}



/** Runs gemmWasm into a C view (contiguous, or strided inside a NaN-filled buffer) and checks it. */
function check(T: Ctor, batch: number, m: number, n: number, k: number, a: MatView, b: MatView, cLayout: "row" | "strided" = "row", run = gemmWasm): void {
  const rs = cLayout === "row" ? n : 2 * n + 1, cs = cLayout === "row" ? 1 : 2;
  const cData = new T(batch * m * Math.max(rs, 1) + 2 * n + 4).fill(NaN);
  const c: MatView = { data: cData, offset: 1, batchStride: m * rs, rowStride: rs, colStride: cs };
  run(batch, m, n, k, a, b, c);
  const { value, scale } = naive(batch, m, n, k, a, b);
  const eps = T === Float32Array ? 2 ** -23 : 2 ** -52;
  const touched = new Set<number>();
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const q = at(c, t, i, j), e = (t * m + i) * n + j;
        touched.add(q);
        const tol = 2 * (k + 2) * eps * scale[e] + (T === Float32Array ? 1e-30 : 0);
        const got = cData[q];
        if (!(Math.abs(got - value[e]) <= tol))
          assert.fail(`${T.name} batch ${batch} ${m}x${k} @ ${k}x${n}: C[${t},${i},${j}] = ${got}, expected ${value[e]} (tol ${tol})`);
      }
  // Elements of the buffer outside C's view keep their NaN: padding never leaks out.
  for (let q = 0; q < cData.length; q++) if (!touched.has(q)) assert.ok(Number.isNaN(cData[q]), `element ${q} outside C was written`);
}

const both = [Float32Array, Float64Array] as const;

for (const wasmOn of [true, false]) {
  const path = wasmOn ? "wasm" : "js fallback";
  const withPath = (f: () => void) => () => {
    setWasmEnabled(wasmOn);
    try {
      f();
    } finally {
      setWasmEnabled(true);
    }
  };

  test(`${path}: thin and tiny shapes (1 x N, N x 1, k = 1)`, withPath(() => {
    const rand = rng(1);
    const shapes = [[1, 1, 1], [1, 17, 9], [17, 1, 9], [1, 1, 40], [13, 11, 1], [1, 300, 70], [300, 1, 70], [2, 3, 4]];
    for (const T of both)
      for (const [m, n, k] of shapes) check(T, 1, m, n, k, makeView(T, 1, m, k, "row", rand), makeView(T, 1, k, n, "row", rand));
  }));

  test(`${path}: odd and block-crossing sizes, all operand layouts`, withPath(() => {
    const rand = rng(2);
    // f32 blocks are MC 128, KC 512; f64 MC 64, KC 512: these cross them and the 4 x 8 / 4 x 4 tiles.
    const shapes = [[7, 13, 5], [37, 29, 53], [33, 9, 257], [97, 15, 31], [130, 70, 520], [5, 133, 300]];
    const layouts: Layout[] = ["row", "col", "strided", "reversed", "sparse"];
    let s = 0;
    for (const T of both)
      for (const [m, n, k] of shapes)
        for (const la of layouts) {
          const lb = layouts[s++ % layouts.length];
          check(T, 1, m, n, k, makeView(T, 1, m, k, la, rand), makeView(T, 1, k, n, lb, rand));
        }
  }));

  test(`${path}: batches, broadcast operands and strided outputs`, withPath(() => {
    const rand = rng(3);
    for (const T of both) {
      check(T, 3, 9, 10, 11, makeView(T, 3, 9, 11, "row", rand), makeView(T, 3, 11, 10, "col", rand));
      check(T, 4, 21, 19, 35, makeView(T, 4, 21, 35, "strided", rand), makeView(T, 4, 35, 19, "row", rand, true), "strided");
      check(T, 5, 6, 40, 8, makeView(T, 5, 6, 8, "col", rand, true), makeView(T, 5, 8, 40, "reversed", rand));
      check(T, 2, 64, 64, 64, makeView(T, 2, 64, 64, "row", rand), makeView(T, 2, 64, 64, "row", rand));
      check(T, 2, 50, 70, 90, makeView(T, 2, 50, 90, "sparse", rand), makeView(T, 2, 90, 70, "strided", rand), "strided");
    }
  }));

  test(`${path}: random shapes and layouts`, withPath(() => {
    const rand = rng(4);
    const layouts: Layout[] = ["row", "col", "strided", "reversed", "sparse"];
    const pick = <X>(xs: readonly X[]) => xs[Math.floor(((rand() + 1) / 2) * xs.length)];
    for (let r = 0; r < 40; r++) {
      const T = pick(both);
      const dim = () => 1 + Math.floor(((rand() + 1) / 2) * pick([4, 24, 80]));
      const batch = pick([1, 1, 2, 3]), m = dim(), n = dim(), k = dim();
      const a = makeView(T, batch, m, k, pick(layouts), rand, batch > 1 && rand() > 0.6);
      const b = makeView(T, batch, k, n, pick(layouts), rand, batch > 1 && rand() > 0.6);
      check(T, batch, m, n, k, a, b, pick(["row", "strided"] as const));
    }
  }));

  test(`${path}: k = 0 gives zeros, empty m or n writes nothing`, withPath(() => {
    for (const T of both) {
      const a = { data: new T(0), offset: 0, batchStride: 0, rowStride: 0, colStride: 1 };
      const b = { data: new T(0), offset: 0, batchStride: 0, rowStride: 3, colStride: 1 };
      const c = { data: new T(6).fill(7), offset: 0, batchStride: 0, rowStride: 3, colStride: 1 };
      gemmWasm(1, 2, 3, 0, a, b, c);
      assert.deepEqual(Array.from(c.data), [0, 0, 0, 0, 0, 0]);
      c.data.fill(7);
      gemmWasm(1, 0, 3, 4, a, b, c);
      gemmWasm(1, 2, 0, 4, a, b, c);
      gemmWasm(0, 2, 3, 4, a, b, c);
      assert.deepEqual(Array.from(c.data), [7, 7, 7, 7, 7, 7]);
    }
  }));

  test(`${path}: infinities and NaN propagate as in IEEE arithmetic, without leaking from padding`, withPath(() => {
    for (const T of both) {
      // A = [[inf, 1], [2, 3], [nan, 0]] (3 x 2, padded to 4 rows), B = [[0, 1, 2], [1, 1, 1]].
      const a = { data: T.from([Infinity, 1, 2, 3, NaN, 0]), offset: 0, batchStride: 0, rowStride: 2, colStride: 1 };
      const b = { data: T.from([0, 1, 2, 1, 1, 1]), offset: 0, batchStride: 0, rowStride: 3, colStride: 1 };
      const c = { data: new T(9), offset: 0, batchStride: 0, rowStride: 3, colStride: 1 };
      gemmWasm(1, 3, 3, 2, a, b, c);
      // inf*0 + 1*1 = nan; inf*1 + 1 = inf; 2*0 + 3 = 3; 2*1 + 3 = 5; 2*2 + 3 = 7; nan row stays nan.
      assert.deepEqual(Array.from(c.data), [NaN, Infinity, Infinity, 3, 5, 7, NaN, NaN, NaN]);
    }
  }));
}

test("wasm SIMD is detected and used in Node 20", () => {
  assert.equal(wasmSimdSupported(), true);
  assert.equal(wasmAvailable(), true);
  assert.equal(wasmGemmPreferred(64, 64, 64, new Float32Array(1)), true);
  assert.equal(wasmGemmPreferred(2, 2, 2, new Float32Array(1)), false);
  assert.equal(wasmGemmPreferred(8, 8, 8, new Float32Array(1)), true);
  assert.equal(wasmGemmPreferred(64, 64, 64, new Int32Array(1)), false);
  setWasmEnabled(false);
  assert.equal(wasmAvailable(), false);
  assert.equal(wasmGemmPreferred(64, 64, 64, new Float64Array(1)), false);
  setWasmEnabled(true);
});

// The child run (relaxed SIMD) declares only the tests that make sense there, so no run shows skips.
if (!fmaChild) test("CHAINRULE_WASM=0 in the environment starts with the Wasm kernels off", () => {
  const loader = new URL("../../src/kernels/wasm/loader.ts", import.meta.url).href;
  const probe = `import { wasmAvailable } from ${JSON.stringify(loader)}; console.log(wasmAvailable());`;
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", probe], { encoding: "utf8", env: { ...process.env, ...env } }).stdout.trim();
  assert.equal(run({ CHAINRULE_WASM: "0" }), "false");
  assert.equal(run({ CHAINRULE_WASM: "1" }), "true");
});

test("float32 runs in Wasm: sums in float32 in k order, bit for bit (k within one block)", () => {
  // The JS kernel accumulates float32 products in float64; the Wasm kernel rounds every product
  // and partial sum to float32 (the FMA build: every fused a*b+s), exactly like this loop.
  // Matching it bit for bit shows Wasm ran. (A float32 product is exact in float64, so
  // fround(a*b + s) is the fused result but for double rounding, absent from these inputs.)
  const fused = wasmRelaxedSimdSupported();
  const rand = rng(5);
  const m = 19, n = 23, k = 300;
  const a = makeView(Float32Array, 1, m, k, "row", rand), b = makeView(Float32Array, 1, k, n, "col", rand);
  const c = { data: new Float32Array(m * n), offset: 0, batchStride: 0, rowStride: n, colStride: 1 };
  gemmWasm(1, m, n, k, a, b, c);
  const f = Math.fround;
  let differs = false;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0, d = 0;
      for (let p = 0; p < k; p++) {
        const x = a.data[at(a, 0, i, p)] * b.data[at(b, 0, p, j)];
        s = fused ? f(x + s) : f(s + f(x));
        d += a.data[at(a, 0, i, p)] * b.data[at(b, 0, p, j)];
      }
      assert.equal(c.data[i * n + j], s);
      if (f(d) !== s) differs = true;
    }
  assert.ok(differs, "float64 accumulation should differ somewhere (otherwise this test proves nothing)");
});

test("gemmBest gives the same products through either kernel", () => {
  // A = [[1, 2], [3, 4]], B = [[5, 6], [7, 8]]: A B = [[19, 22], [43, 50]], in both dtypes; and
  // a 40 x 40 all-ones product (Wasm-sized) is 40 everywhere.
  for (const T of both) {
    const c = { data: new T(4), offset: 0, batchStride: 0, rowStride: 2, colStride: 1 };
    gemmBest(1, 2, 2, 2, { ...c, data: T.from([1, 2, 3, 4]) }, { ...c, data: T.from([5, 6, 7, 8]) }, c);
    assert.deepEqual(Array.from(c.data), [19, 22, 43, 50]);
    const ones = { data: new T(1600).fill(1), offset: 0, batchStride: 0, rowStride: 40, colStride: 1 };
    const out = { ...ones, data: new T(1600) };
    gemmBest(1, 40, 40, 40, ones, ones, out);
    assert.ok(out.data.every((x) => x === 40));
  }
});

test("gemmBest: operands constant along k (broadcast cotangents) match the full product", () => {
  const rand = rng(7);
  for (const T of both) {
    const row = (rows: number, cols: number) => makeView(T, 1, rows, cols, "row", rand);
    const col = (rows: number, cols: number) => makeView(T, 1, rows, cols, "col", rand);
    // A scalar broadcast to m x k (the cotangent of sum(A @ B)), against B and B transposed.
    const scalar: MatView = { data: T.from([0.75]), offset: 0, batchStride: 0, rowStride: 0, colStride: 0 };
    check(T, 1, 37, 29, 53, scalar, row(53, 29), "row", gemmBest);
    check(T, 1, 37, 29, 53, scalar, col(53, 29), "strided", gemmBest);
    // A column broadcast along k (A[i, p] = v[i]), and a row of B broadcast along k (B[p, j] = w[j]).
    const v = makeView(T, 1, 1, 41, "row", rand), w = makeView(T, 1, 1, 23, "row", rand);
    check(T, 1, 41, 23, 60, { ...v, rowStride: 1, colStride: 0 }, col(60, 23), "row", gemmBest);
    check(T, 1, 41, 23, 60, row(41, 60), { ...w, rowStride: 0, colStride: 1 }, "strided", gemmBest);
    check(T, 1, 41, 23, 60, col(41, 60), { ...w, rowStride: 0, colStride: 1 }, "row", gemmBest);
    // Batches, with a reversed B and a batch-broadcast constant A.
    check(T, 3, 9, 31, 17, { ...scalar, data: T.from([2, -1, 0.5]), batchStride: 1 }, makeView(T, 3, 17, 31, "reversed", rand), "row", gemmBest);
    check(T, 2, 12, 20, 30, { ...v, batchStride: 0, rowStride: 1, colStride: 0 }, makeView(T, 2, 30, 20, "strided", rand), "strided", gemmBest);
  }
});

test("gemmBest: a constant operand with infinities or NaN still gives IEEE's answer", () => {
  for (const T of both) {
    // A = inf everywhere (5 x 8), B's first column [2, -1, 0, ...] mixes signs: the full product
    // has inf - inf = NaN there, which inf * (2 - 1) would miss; its second column is all 1: inf.
    const k = 8, n = 9, m = 5;
    const a: MatView = { data: T.from([Infinity]), offset: 0, batchStride: 0, rowStride: 0, colStride: 0 };
    const bd = new T(k * n).fill(1);
    bd[0] = 2;
    bd[n] = -1;
    const b: MatView = { data: bd, offset: 0, batchStride: 0, rowStride: n, colStride: 1 };
    const c: MatView = { data: new T(m * n), offset: 0, batchStride: 0, rowStride: n, colStride: 1 };
    gemmBest(1, m, n, k, a, b, c);
    for (let i = 0; i < m; i++) {
      assert.ok(Number.isNaN(c.data[i * n]), `C[${i}, 0] should be NaN`);
      for (let j = 1; j < n; j++) assert.equal(c.data[i * n + j], Infinity);
    }
    // A NaN in B under a finite constant A: NaN in that column only.
    bd.fill(1);
    bd[3 * n + 4] = NaN;
    gemmBest(1, m, n, k, { ...a, data: T.from([0.5]) }, b, c);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) if (j === 4) assert.ok(Number.isNaN(c.data[i * n + j])); else assert.equal(c.data[i * n + j], 4);
  }
});

test("int32 and mixed element types go to the JS kernel", () => {
  const a = { data: Int32Array.from([1, 2, 3, 4]), offset: 0, batchStride: 0, rowStride: 2, colStride: 1 };
  const b = { data: Int32Array.from([5, 6, 7, 8]), offset: 0, batchStride: 0, rowStride: 2, colStride: 1 };
  const c = { data: new Int32Array(4), offset: 0, batchStride: 0, rowStride: 2, colStride: 1 };
  gemmWasm(1, 2, 2, 2, a, b, c);
  assert.deepEqual(Array.from(c.data), [19, 22, 43, 50]);
  const af = { ...a, data: Float32Array.from([1, 2, 3, 4]) };
  const bd = { ...b, data: Float64Array.from([5, 6, 7, 8]) };
  const cd = { ...c, data: new Float64Array(4) };
  gemmWasm(1, 2, 2, 2, af, bd, cd);
  assert.deepEqual(Array.from(cd.data), [19, 22, 43, 50]);
});

test("Wasm memory stays flat over repeated calls and bounded for big batches", () => {
  const rand = rng(6);
  const T = Float64Array;
  const a = makeView(T, 1, 200, 150, "row", rand), b = makeView(T, 1, 150, 120, "col", rand);
  const c = { data: new T(200 * 120), offset: 0, batchStride: 0, rowStride: 120, colStride: 1 };
  gemmWasm(1, 200, 120, 150, a, b, c);
  const after1 = wasmMemory().buffer.byteLength;
  for (let i = 0; i < 200; i++) gemmWasm(1, 200, 120, 150, a, b, c);
  assert.equal(wasmMemory().buffer.byteLength, after1);
  // 60 batches of 256 x 256 x 256 float64 is 94 MB of operands: chunked, the memory stays far below.
  const n = 256, batch = 60;
  const big = (len: number) => new T(len).fill(0.5);
  const A = { data: big(batch * n * n), offset: 0, batchStride: n * n, rowStride: n, colStride: 1 };
  const B = { data: big(batch * n * n), offset: 0, batchStride: n * n, rowStride: n, colStride: 1 };
  const C = { data: new T(batch * n * n), offset: 0, batchStride: n * n, rowStride: n, colStride: 1 };
  gemmWasm(batch, n, n, n, A, B, C);
  assert.ok(C.data.every((x) => x === 64), "0.5 * 0.5 summed 256 times is 64");
  assert.ok(wasmMemory().buffer.byteLength < 48 * 2 ** 20, `Wasm memory grew to ${wasmMemory().buffer.byteLength} bytes`);
});

test("products bigger than the working set are cut into blocks of C, memory staying bounded", () => {
  const rand = rng(7);
  // float64 working set is 4M elements: B of 2048 x 1100 needs column blocks; A of 2100 x 2000
  // with a thin B needs row blocks (A transposed, so its row blocks are gathered densely).
  check(Float64Array, 1, 9, 1100, 2048, makeView(Float64Array, 1, 9, 2048, "row", rand), makeView(Float64Array, 1, 2048, 1100, "col", rand), "strided");
  check(Float64Array, 2, 2100, 5, 2000, makeView(Float64Array, 2, 2100, 2000, "col", rand), makeView(Float64Array, 2, 2000, 5, "row", rand));
  check(Float32Array, 1, 8, 1030, 4100, makeView(Float32Array, 1, 8, 4100, "strided", rand), makeView(Float32Array, 1, 4100, 1030, "row", rand));
  // An inner product longer than any block can hold goes to the JS kernel, staging nothing.
  check(Float32Array, 1, 1, 2, 700_000, makeView(Float32Array, 1, 1, 700_000, "row", rand), makeView(Float32Array, 1, 700_000, 2, "col", rand));
  // 32 MB of staged operands plus the packing buffers.
  assert.ok(wasmMemory().buffer.byteLength < 48 * 2 ** 20, `Wasm memory grew to ${wasmMemory().buffer.byteLength} bytes`);
});

test("base64 decoder matches Node's", () => {
  const bytes = new Uint8Array(1000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + (i >> 3)) & 255;
  for (const len of [0, 1, 2, 3, 4, 5, 999, 1000]) {
    const text = Buffer.from(bytes.subarray(0, len)).toString("base64");
    assert.deepEqual(decodeBase64(text), bytes.subarray(0, len));
  }
  assert.throws(() => decodeBase64("ab$d"), /invalid character/);
});

if (!fmaChild) test("relaxed-SIMD (FMA) build: this whole file passes in a Node with relaxed SIMD on", () => {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "--test", self], {
    encoding: "utf8",
    env: { ...process.env, CHAINRULE_GEMM_FMA_CHILD: "1" },
    timeout: 240_000,
  });
  assert.equal(r.status, 0, `child run failed:\n${r.stdout.split("\n").filter((l) => /^not ok|error:|expected|actual/.test(l.trim())).join("\n")}`);
});

if (fmaChild) test("the child run uses the relaxed-SIMD build", () => {
  assert.equal(wasmRelaxedSimdSupported(), true);
});
