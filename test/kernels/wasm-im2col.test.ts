// The Wasm SIMD 3x3 unfolding and its adjoint (src/kernels/wasm-im2col.ts, wasm-col2im.ts)
// against the JS kernels they replace, bit for bit (col2im: NaN for NaN, see below), and against
// the definitions: odd sizes, rows of exactly four outputs, groups, batch offsets, strided
// inputs, a layer too big for one staging pass, values with ±0, ±Infinity and NaN.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ConvGeom, type View4, col2im, im2col } from "../../src/kernels/im2col.js";
import { im2col3x3Wasm } from "../../src/kernels/wasm-im2col.js";
import { col2im3x3Wasm } from "../../src/kernels/wasm-col2im.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import { heapF32, reserve, wasmMemoryBytes } from "../../src/kernels/wasm/arena.js";

const skip = !wasmAvailable();

function geom(N: number, C: number, H: number, W: number, G = 1): ConvGeom {
  return { N, C, H, W, O: G, G, KH: 3, KW: 3, OH: H - 2, OW: W - 2, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilH: 1, dilW: 1 };
}

const PAYLOAD_NAN = new Float32Array(new Int32Array([0x7fc00abc]).buffer)[0];
const SPECIALS = [NaN, 0, -0, Infinity, -Infinity, 1e30, -1e30, 3.5, PAYLOAD_NAN];

function fillValues(a: Float32Array, seed: number, special: boolean): void {
  let s = seed >>> 0;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = s / 2 ** 32;
    a[i] = special && u < 0.2 ? SPECIALS[(s >>> 7) % SPECIALS.length] : (u - 0.5) * 2 ** ((s >>> 3) % 40 - 20);
  }
}

const bits = (a: Float32Array) => new Int32Array(a.buffer, a.byteOffset, a.length);

function withJs<T>(f: () => T): T {
  setWasmEnabled(false);
  try {
    return f();
  } finally {
    setWasmEnabled(true);
  }
}

// [N, C, H, W, G, strided]: W7's layers, odd sizes, exactly four output columns, groups, and
// inputs whose rows or planes are not back to back.
const CASES: [number, number, number, number, number, boolean][] = [
  [2, 3, 7, 6, 1, false], [32, 1, 28, 28, 1, false], [32, 16, 13, 13, 1, false], [3, 4, 9, 8, 2, true],
  [2, 2, 5, 11, 1, true], [1, 1, 3, 6, 1, false], [2, 1, 12, 9, 1, false], [2, 2, 4, 7, 1, true], [3, 6, 6, 10, 3, false],
];

for (const [N, C, H, W, G, strided] of CASES)
  test(`im2col 3x3 Wasm = JS = definition, bitwise: ${N}x${C}x${H}x${W}, ${G} group(s)${strided ? ", strided" : ""}`, { skip }, () => {
    const geo = geom(N, C, H, W, G);
    // Strided: rows 3 apart more than W, channels in reverse memory order, items 5 apart more.
    const s2 = strided ? W + 3 : W, s1 = strided ? -(H * s2) : H * W, s0 = strided ? C * H * s2 + 5 : C * H * W;
    const offset = strided ? (C - 1) * H * s2 + 3 : 2;
    const data = new Float32Array(offset + (N - 1) * s0 + (strided ? 1 : C) * H * s2 + 8);
    fillValues(data, N * 131 + H * W, true);
    const x: View4 = { data, offset, s0, s1, s2, s3: 1 };
    const Cg = C / G, P = geo.OH * geo.OW, K = Cg * 9;
    for (const [n0, nc] of [[0, N], [1, N - 1]]) {
      if (nc < 1) continue;
      for (let g = 0; g < G; g++) {
        const js = new Float32Array(K * nc * P).fill(NaN);
        withJs(() => im2col(x, geo, g, n0, nc, js));
        const wasm = new Float32Array(K * nc * P).fill(NaN);
        im2col(x, geo, g, n0, nc, wasm);
        const direct = new Float32Array(K * nc * P).fill(NaN);
        assert.equal(im2col3x3Wasm(x, geo, g, n0, nc, direct), true);
        assert.deepEqual(bits(wasm), bits(js));
        assert.deepEqual(bits(direct), bits(js));
        // Definition: row (c*3 + i)*3 + j, column n*P + oh*OW + ow holds x[n0+n, g*Cg+c, oh+i, ow+j].
        for (let c = 0; c < Cg; c++)
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++)
              for (let n = 0; n < nc; n++)
                for (let oh = 0; oh < geo.OH; oh++)
                  for (let ow = 0; ow < geo.OW; ow++) {
                    const q = ((c * 3 + i) * 3 + j) * nc * P + n * P + oh * geo.OW + ow;
                    const v = data[offset + (n0 + n) * s0 + (g * Cg + c) * s1 + (oh + i) * s2 + ow + j];
                    if (!Object.is(wasm[q], v)) assert.fail(`entry ${q}: ${wasm[q]} vs ${v}`);
                  }
      }
    }
  });

test("im2col 3x3 Wasm: a layer bigger than one staging pass is unfolded in passes of items", { skip }, () => {
  // 9 * 258 * 258 entries per item and channel: about 600 K, so one item per pass.
  const geo = geom(3, 2, 260, 260);
  const data = new Float32Array(3 * 2 * 260 * 260);
  fillValues(data, 77, false);
  const x: View4 = { data, offset: 0, s0: 2 * 260 * 260, s1: 260 * 260, s2: 260, s3: 1 };
  const n = 2 * 9 * 3 * 258 * 258;
  const js = new Float32Array(n), wasm = new Float32Array(n).fill(NaN);
  withJs(() => im2col(x, geo, 0, 0, 3, js));
  assert.equal(im2col3x3Wasm(x, geo, 0, 0, 3, wasm), true);
  assert.deepEqual(bits(wasm), bits(js));
});

/**
 * Columns placed in the Wasm memory, rows `pitch` apart (NaN in the gaps, which only masked
 * lanes may read), as the direct GEMM leaves a product; returns their element offset.
 */
function placeColumns(src: Float32Array, K: number, L: number, pitch: number): number {
  const at = 1024;
  reserve(4 * (at + K * pitch + 64));
  const heap = heapF32();
  heap.fill(NaN, at, at + K * pitch + 64);
  for (let r = 0; r < K; r++) heap.set(src.subarray(r * L, (r + 1) * L), at + r * pitch);
  return at;
}

/** The heap view of the placed columns (re-made: a kernel that grows the memory detaches it). */
const colView = (at: number, K: number, pitch: number) => heapF32().subarray(at, at + K * pitch);

/** Both NaN, or the same bits: JS and Wasm make NaNs of their own signs for Infinity - Infinity. */
function sameOrBothNaN(a: Float32Array, b: Float32Array, what: string): void {
  const A = bits(a), B = bits(b);
  for (let i = 0; i < a.length; i++)
    if (A[i] !== B[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) assert.fail(`${what}: element ${i}: ${a[i]} vs ${b[i]}`);
}

for (const [N, C, H, W, G] of CASES)
  for (const special of [false, true])
    test(`col2im 3x3 Wasm = JS, bitwise: ${N}x${C}x${H}x${W}, ${G} group(s)${special ? ", ±0/±Inf/NaN" : ""}`, { skip }, () => {
      const geo = geom(N, C, H, W, G);
      const Cg = C / G, P = geo.OH * geo.OW, K = Cg * 9;
      for (const [n0, nc] of [[0, N], [1, N - 1]]) {
        if (nc < 1) continue;
        const L = nc * P;
        for (const pitch of [L, L + 5])
          for (let g = 0; g < G; g++) {
            const src = new Float32Array(K * L);
            fillValues(src, pitch + 17 * g + H, special);
            // dx holds values already (col2im adds), -0 among them.
            const dx0 = new Float32Array(N * C * H * W).map((_, i) => (i % 7 === 0 ? -0 : i % 5 === 0 ? 0 : Math.fround(Math.sin(i) * 1e-3)));
            const at = placeColumns(src, K, L, pitch);
            const js = dx0.slice();
            withJs(() => col2im(colView(at, K, pitch), geo, g, n0, nc, js, pitch));
            const wasm = dx0.slice();
            col2im(colView(at, K, pitch), geo, g, n0, nc, wasm, pitch);
            const direct = dx0.slice();
            assert.equal(col2im3x3Wasm(colView(at, K, pitch), geo, g, n0, nc, direct, pitch), true);
            sameOrBothNaN(wasm, js, `pitch ${pitch}, group ${g}`);
            sameOrBothNaN(direct, js, `pitch ${pitch}, group ${g}`);
            if (!special) {
              assert.deepEqual(bits(wasm), bits(js));
              // Elements of other items and groups are untouched.
              for (let n = 0; n < N; n++)
                for (let c = 0; c < C; c++) {
                  if (n >= n0 && n < n0 + nc && Math.floor(c / Cg) === g) continue;
                  const p = (n * C + c) * H * W;
                  assert.deepEqual(bits(wasm.subarray(p, p + H * W)), bits(dx0.subarray(p, p + H * W)));
                }
            }
          }
      }
    });

test("col2im 3x3 Wasm: exact sums of small integers, against the definition", { skip }, () => {
  const geo = geom(2, 3, 6, 9);
  const P = geo.OH * geo.OW, K = 27, L = 2 * P;
  const src = Float32Array.from({ length: K * L }, (_, i) => ((i * 7919) % 13) - 6);
  const at = placeColumns(src, K, L, L + 3);
  const dx = new Float32Array(2 * 3 * 6 * 9).fill(0.5);
  assert.equal(col2im3x3Wasm(colView(at, K, L + 3), geo, 0, 0, 2, dx, L + 3), true);
  const ref = new Float64Array(dx.length).fill(0.5);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++)
        for (let n = 0; n < 2; n++)
          for (let oh = 0; oh < geo.OH; oh++)
            for (let ow = 0; ow < geo.OW; ow++)
              ref[((n * 3 + c) * 6 + oh + i) * 9 + ow + j] += src[((c * 3 + i) * 3 + j) * L + n * P + oh * geo.OW + ow];
  assert.deepEqual(Array.from(dx), Array.from(ref));
});

test("col2im 3x3 Wasm declines columns outside the Wasm memory, and narrow rows", { skip }, () => {
  const geo = geom(2, 1, 6, 6), K = 9, L = 2 * 16;
  const dx = new Float32Array(72);
  assert.equal(col2im3x3Wasm(new Float32Array(K * L), geo, 0, 0, 2, dx, L), false);
  const narrow = geom(1, 1, 5, 5), at = placeColumns(new Float32Array(81), 9, 9, 9);
  assert.equal(col2im3x3Wasm(colView(at, 9, 9), narrow, 0, 0, 1, new Float32Array(25), 9), false);
  setWasmEnabled(false);
  try {
    const at2 = placeColumns(new Float32Array(K * L), K, L, L);
    assert.equal(col2im3x3Wasm(colView(at2, K, L), geo, 0, 0, 2, dx, L), false);
  } finally {
    setWasmEnabled(true);
  }
});

test("im2col/col2im 3x3 Wasm keep the Wasm memory flat across calls", { skip }, () => {
  const geo = geom(32, 16, 13, 13), P = 121, K = 144, L = 32 * P;
  const data = new Float32Array(32 * 16 * 169);
  fillValues(data, 3, false);
  const x: View4 = { data, offset: 0, s0: 16 * 169, s1: 169, s2: 13, s3: 1 };
  const col = new Float32Array(K * L), dx = new Float32Array(data.length);
  im2col(x, geo, 0, 0, 32, col);
  const at = placeColumns(col, K, L, L);
  col2im(colView(at, K, L), geo, 0, 0, 32, dx, L);
  const after = wasmMemoryBytes();
  for (let r = 0; r < 5; r++) {
    im2col(x, geo, 0, 0, 32, col);
    col2im(colView(at, K, L), geo, 0, 0, 32, dx, L);
  }
  assert.equal(wasmMemoryBytes(), after);
});
