// im2col and col2im against their definitions, written out tap by tap, for the geometries that
// take the fast paths (3x3 valid, rows of three) and for ones next to them that must not; col2im
// also with its rows further apart than their length (as read from the Wasm GEMM's padded C).
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ConvGeom, type View4, col2im, im2col } from "../../src/kernels/im2col.js";

function geom(N: number, C: number, H: number, W: number, G: number, KH: number, KW: number, o: Partial<ConvGeom> = {}): ConvGeom {
  const g = { N, C, H, W, O: G, G, KH, KW, OH: 0, OW: 0, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilH: 1, dilW: 1, ...o };
  const padBottom = (o as { padTop?: number }).padTop ?? 0, padRight = (o as { padLeft?: number }).padLeft ?? 0;
  g.OH = Math.floor((H + g.padTop + padBottom - g.dilH * (KH - 1) - 1) / g.strideH) + 1;
  g.OW = Math.floor((W + g.padLeft + padRight - g.dilW * (KW - 1) - 1) / g.strideW) + 1;
  return g;
}

/** Element (n, c, h, w) of the view, or 0 outside the input (padding). */
function at(x: View4, geo: ConvGeom, n: number, c: number, h: number, w: number): number {
  if (h < 0 || h >= geo.H || w < 0 || w >= geo.W) return 0;
  return x.data[x.offset + n * x.s0 + c * x.s1 + h * x.s2 + w * x.s3];
}

/** Calls f(colIndex, n, c, h, w) for every entry of group g's unfolding of items [n0, n0+nc). */
function eachTap(geo: ConvGeom, g: number, n0: number, nc: number, f: (q: number, n: number, c: number, h: number, w: number) => void): void {
  const Cg = geo.C / geo.G, P = geo.OH * geo.OW, L = nc * P;
  for (let c = 0; c < Cg; c++)
    for (let i = 0; i < geo.KH; i++)
      for (let j = 0; j < geo.KW; j++)
        for (let n = 0; n < nc; n++)
          for (let oh = 0; oh < geo.OH; oh++)
            for (let ow = 0; ow < geo.OW; ow++)
              f(((c * geo.KH + i) * geo.KW + j) * L + n * P + oh * geo.OW + ow, n0 + n, g * Cg + c,
                oh * geo.strideH - geo.padTop + i * geo.dilH, ow * geo.strideW - geo.padLeft + j * geo.dilW);
}

const cases: [string, ConvGeom][] = [
  ["3x3 valid (the nine-row path)", geom(3, 4, 7, 6, 1, 3, 3)],
  ["3x3 valid, two groups", geom(2, 4, 6, 5, 2, 3, 3)],
  ["3x3 valid, one output row", geom(2, 2, 3, 5, 1, 3, 3)],
  ["3x3 valid, two output rows", geom(2, 2, 4, 4, 1, 3, 3)],
  ["3x3 valid, many rows (all middle-row code)", geom(2, 1, 12, 9, 1, 3, 3)],
  ["3x3 with top/bottom padding (rows of three only)", geom(2, 2, 6, 6, 1, 3, 3, { padTop: 1 })],
  ["3x3 with left/right padding (generic)", geom(2, 2, 6, 6, 1, 3, 3, { padLeft: 1 })],
  ["3x3 row stride 2 (rows of three only)", geom(2, 2, 9, 6, 1, 3, 3, { strideH: 2 })],
  ["3 wide, 2 high", geom(2, 3, 5, 6, 1, 2, 3)],
];

for (const [name, geo] of cases) {
  test(`im2col/col2im match their definitions: ${name}`, () => {
    const { N, C, H, W } = geo;
    // A strided input: items laid out with a gap and channels in reverse order of memory.
    const s3 = 1, s2 = W + 2, s1 = -(H * s2), s0 = C * H * s2 + 5;
    const offset = (C - 1) * H * s2 + 3;
    const data = new Float64Array(offset + (N - 1) * s0 + H * s2 + 8);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(1.7 * i + 0.3);
    const x: View4 = { data, offset, s0, s1, s2, s3 };
    const P = geo.OH * geo.OW, Cg = C / geo.G, K = Cg * geo.KH * geo.KW;
    for (const [n0, nc] of [[0, N], [1, N - 1]])
      for (let g = 0; g < geo.G; g++) {
        const col = new Float64Array(K * nc * P).fill(NaN);
        im2col(x, geo, g, n0, nc, col);
        const want = new Float64Array(col.length);
        eachTap(geo, g, n0, nc, (q, n, c, h, w) => (want[q] = at(x, geo, n, c, h, w)));
        assert.deepEqual(Array.from(col), Array.from(want));

        // col2im adds every entry back where it was read from (a random col, exact in float64
        // because the values are small integers).
        const src = Float64Array.from({ length: col.length }, (_, i) => ((i * 7919) % 13) - 6);
        const dx = new Float64Array(N * C * H * W).fill(0.5);
        col2im(src, geo, g, n0, nc, dx);
        const ref = new Float64Array(dx.length).fill(0.5);
        eachTap(geo, g, n0, nc, (q, n, c, h, w) => {
          if (h >= 0 && h < H && w >= 0 && w < W) ref[((n * C + c) * H + h) * W + w] += src[q];
        });
        assert.deepEqual(Array.from(dx), Array.from(ref));

        // The same columns with their rows `pitch` apart (a product read in place from the Wasm
        // memory, rows padded to the GEMM tile; NaN in the gaps, which must never be read).
        const L = nc * P;
        for (const pitch of [L + 1, L + 7]) {
          const padded = new Float64Array(K * pitch).fill(NaN);
          for (let r = 0; r < K; r++) padded.set(src.subarray(r * L, (r + 1) * L), r * pitch);
          const dp = new Float64Array(N * C * H * W).fill(0.5);
          col2im(padded, geo, g, n0, nc, dp, pitch);
          assert.deepEqual(Array.from(dp), Array.from(ref), `pitch ${pitch}`);
        }
      }
  });
}

test("im2col/col2im 3x3 valid path on float32 keeps float32 values exactly", () => {
  const geo = geom(2, 3, 6, 7, 1, 3, 3);
  const data = Float32Array.from({ length: 2 * 3 * 6 * 7 }, (_, i) => Math.fround(Math.cos(i) * 1e-3));
  const x: View4 = { data, offset: 0, s0: 126, s1: 42, s2: 7, s3: 1 };
  const col = new Float32Array(27 * 2 * 4 * 5);
  im2col(x, geo, 0, 0, 2, col);
  eachTap(geo, 0, 0, 2, (q, n, c, h, w) => assert.equal(col[q], data[((n * 3 + c) * 6 + h) * 7 + w]));
});
