// The max-pooling kernel's 2x2 stride-2 path against the definition (the first maximum in
// row-major window order wins; a NaN beats every number, the first NaN being the one kept), on
// values chosen to hit every tie: repeated numbers, +0 and -0, ±Infinity, NaN.
import { test } from "node:test";
import assert from "node:assert/strict";
import { maxPool, scatterPlanesWherePositive, type PoolGeom } from "../../src/kernels/pool.js";
import type { View4 } from "../../src/kernels/im2col.js";

function geo(N: number, C: number, H: number, W: number): PoolGeom {
  return { N, C, H, W, KH: 2, KW: 2, OH: H >> 1, OW: W >> 1, strideH: 2, strideW: 2, padH: 0, padW: 0, dilH: 1, dilW: 1 };
}

/** The definition, window by window: value and flat in-plane position of the first maximum. */
function reference(x: View4, g: PoolGeom): { val: number[]; at: number[] } {
  const val: number[] = [], at: number[] = [];
  for (let n = 0; n < g.N; n++)
    for (let c = 0; c < g.C; c++)
      for (let oh = 0; oh < g.OH; oh++)
        for (let ow = 0; ow < g.OW; ow++) {
          let best = NaN, pos = -1;
          for (let i = 0; i < 2 && !(pos >= 0 && Number.isNaN(best)); i++)
            for (let j = 0; j < 2; j++) {
              const h = 2 * oh + i, w = 2 * ow + j;
              const v = x.data[x.offset + n * x.s0 + c * x.s1 + h * x.s2 + w * x.s3];
              if (pos < 0 || Number.isNaN(v) || v > best) {
                best = v;
                pos = h * g.W + w;
                if (Number.isNaN(v)) break;
              }
            }
          val.push(best);
          at.push(pos);
        }
  return { val, at };
}

const PALETTE = [0, -0, 1, 1, -1, 2, 0.5, Infinity, -Infinity, NaN, 3, -2];

for (const dtype of [Float32Array, Float64Array])
  test(`maxPool 2x2 stride 2 (${dtype.name}): ties, signed zeros, infinities and NaN as defined`, () => {
    const g = geo(2, 3, 6, 8);
    // A strided view: rows padded to 11, an offset of 4, items then channels.
    const s2 = 11, s1 = 6 * s2, s0 = 3 * s1, offset = 4;
    const data = new dtype(offset + 2 * s0);
    let seed = 12345;
    for (let i = 0; i < data.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      // Mostly a small palette (ties everywhere), NaN and infinities now and then.
      data[i] = PALETTE[(seed >>> 8) % (seed % 7 === 0 ? PALETTE.length : 7)];
    }
    const x: View4 = { data, offset, s0, s1, s2, s3: 1 };
    const out = new dtype(2 * 3 * 3 * 4), idx = new Int32Array(out.length);
    maxPool(x, g, out, idx);
    const ref = reference(x, g);
    for (let q = 0; q < out.length; q++) {
      assert.ok(Object.is(out[q], dtype === Float32Array ? Math.fround(ref.val[q]) : ref.val[q]), `window ${q}: ${out[q]} vs ${ref.val[q]}`);
      assert.equal(idx[q], ref.at[q], `window ${q}`);
    }
  });

test("maxPool 2x2: all four orders of a strict maximum, and each tie pattern", () => {
  const g = geo(1, 1, 2, 2);
  const cases: [number[], number, number][] = [
    [[4, 1, 2, 3], 4, 0], [[1, 4, 2, 3], 4, 1], [[1, 2, 4, 3], 4, 2], [[1, 2, 3, 4], 4, 3],
    [[5, 5, 5, 5], 5, 0], [[1, 5, 5, 5], 5, 1], [[1, 2, 5, 5], 5, 2], [[-0, 0, 0, 0], -0, 0],
    [[0, -0, 1, NaN], NaN, 3], [[NaN, 7, NaN, 1], NaN, 0], [[1, NaN, 9, NaN], NaN, 1],
    [[-Infinity, Infinity, 1, 2], Infinity, 1], [[-Infinity, -Infinity, -Infinity, -Infinity], -Infinity, 0],
  ];
  for (const [v, want, at] of cases) {
    const out = new Float64Array(1), idx = new Int32Array(1);
    maxPool({ data: Float64Array.from(v), offset: 0, s0: 4, s1: 4, s2: 2, s3: 1 }, g, out, idx);
    assert.ok(Object.is(out[0], want), `${v}: ${out[0]}`);
    assert.equal(idx[0], at, `${v}`);
  }
});

test("scatterPlanesWherePositive: writes g only at positions whose pooled value is > 0", () => {
  // Two planes of 2x4 pooled to 1x2: positions within each plane, pooled values and g.
  const idx = Int32Array.from([5, 2, -1, 7]);
  const pooled = Float64Array.from([3, 0, 1, NaN]);
  const g = Float64Array.from([10, 20, 30, -0]);
  const out = new Float64Array(16);
  scatterPlanesWherePositive(g, pooled, 8, idx, 2, out);
  // Plane 0: position 5 gets 10 (3 > 0); position 2 stays 0 (pooled 0). Plane 1: -1 is an
  // empty window; NaN is not > 0.
  assert.deepEqual(Array.from(out), [0, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});
