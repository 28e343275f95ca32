// The Wasm SIMD 2x2 max-pooling kernels (src/kernels/wasm-pool.ts) against the JS kernels they
// replace, bit for bit, and against the definition: many geometries (odd sizes, a row of exactly
// four windows, several hundred planes), values full of ties, +0/-0, ±Infinity and NaN (with
// and without payload bits), through the public kernel entry points and directly.
import { test } from "node:test";
import assert from "node:assert/strict";
import { maxPool, scatterPlanes, scatterPlanes2x2, type PoolGeom } from "../../src/kernels/pool.js";
import { maxPool2x2Wasm, scatter2x2Wasm } from "../../src/kernels/wasm-pool.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import { wasmMemoryBytes } from "../../src/kernels/wasm/arena.js";

const skip = !wasmAvailable();

function geo(N: number, C: number, H: number, W: number): PoolGeom {
  return { N, C, H, W, KH: 2, KW: 2, OH: H >> 1, OW: W >> 1, strideH: 2, strideW: 2, padH: 0, padW: 0, dilH: 1, dilW: 1 };
}

/** A float32 NaN with payload bits (quiet), distinct from the canonical one. */
const PAYLOAD_NAN = new Float32Array(new Int32Array([0x7fc01234]).buffer)[0];
const NEG_NAN = new Float32Array(new Int32Array([0xffc00000 | 0]).buffer)[0];
const PALETTE = [0, -0, 1, 1, -1, 2, 0.5, Infinity, -Infinity, NaN, 3, -2, PAYLOAD_NAN, NEG_NAN];

/** Deterministic values: mostly a small palette (ties everywhere), else spread-out floats. */
function values(n: number, seed: number, special: boolean): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    if (special) a[i] = PALETTE[(s >>> 8) % (s % 5 === 0 ? PALETTE.length : 7)];
    else a[i] = ((s >>> 4) / 2 ** 28 - 0.5) * 2 ** ((s % 11) - 5);
  }
  return a;
}

const bits = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

/** The definition: first maximum in row-major window order, the first NaN when there is one. */
function reference(X: Float32Array, off: number, g: PoolGeom): { val: Float32Array; at: Int32Array } {
  const n = g.N * g.C * g.OH * g.OW, val = new Float32Array(n), at = new Int32Array(n);
  let q = 0;
  for (let p = 0; p < g.N * g.C; p++)
    for (let oh = 0; oh < g.OH; oh++)
      for (let ow = 0; ow < g.OW; ow++, q++) {
        let best = 0, pos = -1;
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 2; j++) {
            const h = 2 * oh + i, w = 2 * ow + j, v = X[off + p * g.H * g.W + h * g.W + w];
            if (pos >= 0 && Number.isNaN(best)) continue;
            if (pos < 0 || Number.isNaN(v) || v > best) (best = v), (pos = h * g.W + w);
          }
        val[q] = best;
        at[q] = pos;
      }
  return { val, at };
}

// [N, C, H, W]: odd heights and widths (a last row or column no window covers), exactly four
// windows a row (one vector, no overlap), five (the last vector overlaps), W7's two layers.
const GEOMETRIES: [number, number, number, number][] = [
  [1, 1, 8, 8], [2, 3, 9, 11], [3, 5, 8, 9], [1, 2, 2, 8], [2, 2, 5, 13], [4, 7, 16, 16],
  [2, 3, 10, 30], [1, 1, 3, 9], [5, 1, 4, 10], [32, 16, 26, 26], [32, 32, 11, 11],
];

function runJs<T>(f: () => T): T {
  setWasmEnabled(false);
  try {
    return f();
  } finally {
    setWasmEnabled(true);
  }
}

for (const [N, C, H, W] of GEOMETRIES)
  for (const special of [true, false])
    test(`maxPool 2x2 Wasm = JS = definition, bitwise: ${N}x${C}x${H}x${W}${special ? ", ties/±0/±Inf/NaN" : ""}`, { skip }, () => {
      const g = geo(N, C, H, W), off = 3;
      const X = values(off + N * C * H * W, 7 * H + W + N, special);
      const view = { data: X, offset: off, s0: C * H * W, s1: H * W, s2: W, s3: 1 };
      const n = N * C * g.OH * g.OW;
      const jsOut = new Float32Array(n), jsIdx = new Int32Array(n);
      runJs(() => maxPool(view, g, jsOut, jsIdx));
      // Through the kernel entry point (which takes Wasm here) and the Wasm function itself.
      const out = new Float32Array(n), idx = new Int32Array(n);
      maxPool(view, g, out, idx);
      const out2 = new Float32Array(n).fill(7), idx2 = new Int32Array(n).fill(-7);
      assert.equal(maxPool2x2Wasm(X, off, N * C, H, W, g.OH, g.OW, out2, idx2), true);
      const ref = reference(X, off, g);
      assert.deepEqual(bits(out), bits(jsOut));
      assert.deepEqual(bits(out2), bits(jsOut));
      assert.deepEqual(idx, jsIdx);
      assert.deepEqual(idx2, jsIdx);
      assert.deepEqual(bits(out), bits(ref.val));
      assert.deepEqual(idx, ref.at);
    });

test("maxPool 2x2 Wasm: each strict-maximum order and each tie pattern of a window", { skip }, () => {
  // Every assignment of {0, 1, 2} (and of NaN/-0/+0 mixes) to the four cells: 81 + 81 windows
  // side by side in one 2 x 324 plane.
  const cells = [[0, 1, 2], [NaN, -0, 0]];
  const rows: number[][] = [[], []];
  for (const set of cells)
    for (let k = 0; k < 81; k++) {
      const d = [k % 3, Math.floor(k / 3) % 3, Math.floor(k / 9) % 3, Math.floor(k / 27) % 3].map((i) => set[i]);
      rows[0].push(d[0], d[1]);
      rows[1].push(d[2], d[3]);
    }
  const W = rows[0].length, X = Float32Array.from([...rows[0], ...rows[1]]);
  const g = geo(1, 1, 2, W), n = W / 2;
  const jsOut = new Float32Array(n), jsIdx = new Int32Array(n), out = new Float32Array(n), idx = new Int32Array(n);
  runJs(() => maxPool({ data: X, offset: 0, s0: 2 * W, s1: 2 * W, s2: W, s3: 1 }, g, jsOut, jsIdx));
  assert.equal(maxPool2x2Wasm(X, 0, 1, 2, W, 1, n, out, idx), true);
  assert.deepEqual(bits(out), bits(jsOut));
  assert.deepEqual(idx, jsIdx);
  const ref = reference(X, 0, g);
  assert.deepEqual(idx, ref.at);
});

for (const [N, C, H, W] of GEOMETRIES)
  test(`scatter 2x2 Wasm = JS, bitwise: ${N}x${C}x${H}x${W}`, { skip }, () => {
    const g = geo(N, C, H, W), n = N * C * g.OH * g.OW;
    const X = values(N * C * H * W, H + 3 * W, true);
    const idx = new Int32Array(n);
    maxPool({ data: X, offset: 0, s0: C * H * W, s1: H * W, s2: W, s3: 1 }, g, new Float32Array(n), idx);
    const gy = values(n, 11 * N + C, true);
    const jsDx = new Float32Array(N * C * H * W);
    scatterPlanes(gy, H * W, idx, g.OH * g.OW, jsDx);
    const dx = new Float32Array(N * C * H * W);
    scatterPlanes2x2(gy, H, W, idx, g.OH, g.OW, dx);
    const dx2 = new Float32Array(N * C * H * W);
    assert.equal(scatter2x2Wasm(gy, idx, N * C, H, W, g.OH, g.OW, dx2), true);
    assert.deepEqual(bits(dx), bits(jsDx));
    assert.deepEqual(bits(dx2), bits(jsDx));
    // g = -0 lands as +0 (0 + -0), as in the JS kernel.
    const zeros = new Float32Array(n).fill(-0), dz = new Float32Array(N * C * H * W);
    scatterPlanes2x2(zeros, H, W, idx, g.OH, g.OW, dz);
    assert.ok(dz.every((v) => Object.is(v, 0)));
  });

test("2x2 pooling kernels decline what they do not do, and the JS kernels then run", { skip }, () => {
  // Three windows a row: below one vector.
  const X = values(2 * 6 * 7, 5, true), out = new Float32Array(2 * 3 * 3), idx = new Int32Array(out.length);
  assert.equal(maxPool2x2Wasm(X, 0, 2, 6, 7, 3, 3, out, idx), false);
  assert.equal(scatter2x2Wasm(out, idx, 2, 6, 7, 3, 3, new Float32Array(X.length)), false);
  const jsOut = new Float32Array(out.length), jsIdx = new Int32Array(out.length);
  runJs(() => maxPool({ data: X, offset: 0, s0: 42, s1: 42, s2: 7, s3: 1 }, geo(2, 1, 6, 7), jsOut, jsIdx));
  maxPool({ data: X, offset: 0, s0: 42, s1: 42, s2: 7, s3: 1 }, geo(2, 1, 6, 7), out, idx);
  assert.deepEqual(bits(out), bits(jsOut));
  // Switched off: nothing written.
  setWasmEnabled(false);
  try {
    const o = new Float32Array(16).fill(5);
    assert.equal(maxPool2x2Wasm(values(64, 1, false), 0, 1, 8, 8, 4, 4, o, new Int32Array(16)), false);
    assert.ok(o.every((v) => v === 5));
  } finally {
    setWasmEnabled(true);
  }
});

test("2x2 pooling kernels keep the Wasm memory flat across calls and sizes", { skip }, () => {
  const big = geo(64, 16, 64, 64), n = 64 * 16 * 32 * 32;
  const X = values(64 * 16 * 64 * 64, 9, false), out = new Float32Array(n), idx = new Int32Array(n);
  const dx = new Float32Array(X.length);
  maxPool2x2Wasm(X, 0, 64 * 16, 64, 64, 32, 32, out, idx);
  scatter2x2Wasm(out, idx, 64 * 16, 64, 64, 32, 32, dx);
  const after = wasmMemoryBytes();
  for (let r = 0; r < 5; r++) {
    maxPool(
      { data: X, offset: 0, s0: 16 * 64 * 64, s1: 64 * 64, s2: 64, s3: 1 }, big, out, idx);
    scatter2x2Wasm(out, idx, 64 * 16, 64, 64, 32, 32, dx);
  }
  assert.equal(wasmMemoryBytes(), after);
  // Staged in chunks of planes: a small fraction of the 16 MB input.
  assert.ok(after <= 4 * 1024 * 1024, `${after} bytes`);
});
