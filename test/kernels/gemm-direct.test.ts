// The direct Wasm GEMM (operands written into the Wasm memory by their owner, the product read
// there) against the float64 triple loop, the tile-padding swap (Cᵀ = Bᵀ·Aᵀ) bitwise against the
// unswapped product, and when the direct path must stand aside (Wasm off, a thread pool).
import { test } from "node:test";
import assert from "node:assert/strict";
import { type DirectOperand, type DirectResult, denseOperand, directAvailable, directProductCount, gemmDirect } from "../../src/kernels/wasm/direct.js";
import { swapPays } from "../../src/kernels/wasm/blocking.js";
import { gemmWasm } from "../../src/kernels/wasm/gemm.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import { wasmMemory } from "../../src/kernels/wasm/arena.js";
import { setGemmThreadHook } from "../../src/kernels/threads/hook.js";
import type { MatView } from "../../src/kernels/gemm.js";
import { naive } from "../helpers/gemm.js";
import { xorshift } from "../helpers/data.js";

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const fill = (T: Ctor, n: number, seed: number): Float32Array | Float64Array => {
  const r = xorshift(seed, true), out = new T(n);
  for (let i = 0; i < n; i++) out[i] = r();
  return out;
};
const view = (data: Float32Array | Float64Array, offset: number, rowStride: number, colStride: number): MatView => ({ data, offset, batchStride: 0, rowStride, colStride });

/** An operand written element by element in a strided layout (gaps between rows), like a gather. */
function stridedOperand(src: Float32Array | Float64Array, rows: number, cols: number, pitch: number): DirectOperand {
  return {
    rowStride: pitch,
    colStride: 1,
    size: rows * pitch,
    write: (heap, at) => {
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) heap[at + i * pitch + j] = src[i * cols + j];
    },
  };
}

/** Runs gemmDirect and copies C (m x n) out through the result's strides. */
function runDirect(T: Ctor, m: number, n: number, k: number, a: DirectOperand, b: DirectOperand, rowMajor = false): { c: Float64Array; at: DirectResult } {
  const c = new Float64Array(m * n);
  let seen: DirectResult | null = null;
  const ok = gemmDirect(T === Float32Array ? "f32" : "f64", m, n, k, a, b, (r) => {
    seen = { ...r };
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * n + j] = r.heap[r.at + i * r.rowStride + j * r.colStride];
  }, { rowMajor });
  assert.ok(ok, "direct path refused");
  return { c, at: seen as unknown as DirectResult };
}

/** Within the worst-case bound of a k-term sum rounded in T (k units of T's epsilon times Σ|a||b|). */
function assertNear(got: Float64Array, want: { value: Float64Array; scale: Float64Array }, T: Ctor, k: number, what: string): void {
  const eps = T === Float32Array ? 2 ** -24 : 2 ** -53;
  for (let i = 0; i < got.length; i++) {
    const tol = (k + 1) * eps * want.scale[i] + 1e-300;
    assert.ok(Math.abs(got[i] - want.value[i]) <= tol, `${what}: element ${i}: ${got[i]} vs ${want.value[i]}`);
  }
}

test("gemmDirect matches the triple loop: dense, transposed and strided operands, both element types", { skip: !wasmAvailable() }, () => {
  const shapes = [[1, 1, 1], [5, 9, 7], [16, 9, 676], [9, 16, 300], [37, 29, 53], [130, 70, 520], [144, 300, 32], [3, 1, 40], [1, 200, 17]];
  let seed = 1;
  for (const T of [Float32Array, Float64Array])
    for (const [m, n, k] of shapes) {
      const A = fill(T, m * k, seed++), Bt = fill(T, n * k, seed++);
      // A row-major; B given as its transpose (n x k row-major), read transposed as the weight
      // gradient reads the unfolded columns.
      const want = naive(1, m, n, k, view(A, 0, k, 1), view(Bt, 0, 1, k));
      const { c } = runDirect(T, m, n, k, denseOperand(A, 0, m, k), denseOperand(Bt, 0, n, k, true));
      assertNear(c, want, T, k, `${T.name} ${m}x${n}x${k} dense`);
      // A written with gaps between its rows, at an offset inside a bigger source for B.
      const big = new T(n * k + 11);
      big.set(Bt, 11);
      const r2 = runDirect(T, m, n, k, stridedOperand(A, m, k, k + 3), denseOperand(big, 11, n, k, true));
      assertNear(r2.c, want, T, k, `${T.name} ${m}x${n}x${k} strided`);
    }
});

test("gemmDirect: skinny products come back transposed unless the reader needs rows", { skip: !wasmAvailable() }, () => {
  assert.equal(swapPays("f32", 16, 9), true, "9 columns pad to 16, 9 rows to 12");
  assert.equal(swapPays("f32", 128, 1), true);
  assert.equal(swapPays("f32", 144, 3872), false);
  assert.equal(swapPays("f32", 32, 144), false);
  const T = Float32Array, m = 16, n = 9, k = 50;
  const A = fill(T, m * k, 7), B = fill(T, k * n, 8);
  const want = naive(1, m, n, k, view(A, 0, k, 1), view(B, 0, n, 1));
  const swapped = runDirect(T, m, n, k, denseOperand(A, 0, m, k), denseOperand(B, 0, k, n));
  assert.equal(swapped.at.rowStride, 1, "C read column-major");
  assertNear(swapped.c, want, T, k, "swapped");
  const rows = runDirect(T, m, n, k, denseOperand(A, 0, m, k), denseOperand(B, 0, k, n), true);
  assert.equal(rows.at.colStride, 1, "rowMajor keeps C's rows contiguous");
  assert.ok(rows.at.rowStride >= n);
  // The same products summed in the same k order: bitwise equal whichever way round.
  assert.deepEqual(rows.c, swapped.c);
});

test("f64 swap rule: 4 x 4 tiles pad both ways alike, so square-ish skinny shapes stay", () => {
  // f64 tiles are MR 4 x NR 4: the padding is the same either way round, so no swap.
  assert.equal(swapPays("f64", 16, 9), false);
  assert.equal(swapPays("f64", 5, 3), false);
});

test("gemmWasm: a skinny product run transposed is bitwise the unswapped one", { skip: !wasmAvailable() }, () => {
  // n = 9 swaps (pads to 12 rows, not 16 columns); n = 16 does not. The first 9 columns of the
  // 16-wide product were computed unswapped and must equal the 9-wide product bit for bit.
  for (const [m, k] of [[37, 300], [16, 676], [5, 1100]]) {
    const A = fill(Float32Array, m * k, m), B16 = fill(Float32Array, k * 16, k);
    const c9 = new Float32Array(m * 9), c16 = new Float32Array(m * 16);
    gemmWasm(1, m, 9, k, view(A, 0, k, 1), view(B16, 0, 16, 1), view(c9, 0, 9, 1));
    gemmWasm(1, m, 16, k, view(A, 0, k, 1), view(B16, 0, 16, 1), view(c16, 0, 16, 1));
    for (let i = 0; i < m; i++) for (let j = 0; j < 9; j++) assert.equal(c9[i * 9 + j], c16[i * 16 + j], `${m}x${k} (${i}, ${j})`);
    const want = naive(1, m, 9, k, view(A, 0, k, 1), view(B16, 0, 16, 1));
    assertNear(Float64Array.from(c9), want, Float32Array, k, `${m}x9x${k}`);
  }
});

test("gemmDirect stands aside with Wasm off or a thread pool installed, and counts its products", { skip: !wasmAvailable() }, () => {
  const A = fill(Float64Array, 12, 1), B = fill(Float64Array, 12, 2);
  const before = directProductCount();
  runDirect(Float64Array, 3, 4, 4, denseOperand(A, 0, 3, 4), denseOperand(B, 0, 4, 3, true));
  assert.equal(directProductCount(), before + 1);
  const never = () => assert.fail("read must not run");
  setWasmEnabled(false);
  try {
    assert.equal(directAvailable("f64"), false);
    assert.equal(gemmDirect("f64", 3, 4, 4, denseOperand(A, 0, 3, 4), denseOperand(B, 0, 4, 3, true), never), false);
  } finally {
    setWasmEnabled(true);
  }
  setGemmThreadHook(() => false);
  try {
    assert.equal(gemmDirect("f64", 3, 4, 4, denseOperand(A, 0, 3, 4), denseOperand(B, 0, 4, 3, true), never), false);
  } finally {
    setGemmThreadHook(null);
  }
  assert.equal(gemmDirect("f64", 0, 4, 4, denseOperand(A, 0, 0, 4), denseOperand(B, 0, 4, 3, true), never), false, "empty");
  assert.equal(directProductCount(), before + 1);
});

test("gemmDirect keeps the Wasm memory flat over repeated products", { skip: !wasmAvailable() }, () => {
  const A = fill(Float32Array, 64 * 300, 3), B = fill(Float32Array, 300 * 200, 4);
  const run = () => runDirect(Float32Array, 64, 200, 300, denseOperand(A, 0, 64, 300), denseOperand(B, 0, 300, 200));
  run();
  const bytes = wasmMemory().buffer.byteLength;
  for (let i = 0; i < 100; i++) run();
  assert.equal(wasmMemory().buffer.byteLength, bytes);
});
