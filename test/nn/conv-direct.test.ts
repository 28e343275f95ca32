// The convolution input gradient through the direct Wasm path (src/kernels/conv-direct.ts: the
// output gradient gathered straight into the Wasm memory, col2im reading the product in place
// with its padded row pitch) against the adjoint written as a scatter loop, over the geometries
// that pick col2im's 3x3, rows-of-three and generic paths, groups, batches cut into chunks,
// row pitches that differ from the row length, float32 and float64; and the staged path it
// stands aside for (Wasm off) giving the same values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, vjp, Tensor } from "../../src/index.js";
import { convInputGrad } from "../../src/kernels/conv-gemm.js";
import { directProductCount } from "../../src/kernels/wasm/direct.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import type { ConvGeom } from "../../src/kernels/im2col.js";
import { rand } from "../helpers/data.js";

const F = nn.functional;

interface Case {
  name: string;
  xs: [number, number, number, number];
  ws: [number, number, number, number];
  stride: [number, number];
  pad: [number, number];
  dil: [number, number];
  groups: number;
}

const cases: Case[] = [
  // N*P = 3*121 = 363: the product's rows are padded to 368, so col2im's pitch is not N*P.
  { name: "3x3 valid, odd N*P (the nine-row col2im)", xs: [3, 16, 13, 13], ws: [32, 16, 3, 3], stride: [1, 1], pad: [0, 0], dil: [1, 1], groups: 1 },
  { name: "3x3, top/bottom padding (rows of three)", xs: [2, 6, 9, 11], ws: [10, 6, 3, 3], stride: [1, 1], pad: [1, 0], dil: [1, 1], groups: 1 },
  { name: "3x3 padded all round, stride 2 (generic)", xs: [2, 5, 12, 10], ws: [8, 5, 3, 3], stride: [2, 2], pad: [1, 1], dil: [1, 1], groups: 1 },
  { name: "5x4 dilated kernel, two groups", xs: [2, 8, 14, 15], ws: [12, 4, 5, 4], stride: [1, 2], pad: [2, 1], dil: [2, 1], groups: 2 },
  { name: "first layer shape (one channel, 26x26 output)", xs: [4, 1, 28, 28], ws: [16, 1, 3, 3], stride: [1, 1], pad: [0, 0], dil: [1, 1], groups: 1 },
];

/** dx[n, c, ih, iw] += gy[n, o, oh, ow] · w[o, c', i, j] over every tap that reads (ih, iw). */
function adjoint(gy: Float64Array, w: Float64Array, c: Case, OH: number, OW: number): Float64Array {
  const [N, C, H, W] = c.xs, [O, Cg, KH, KW] = c.ws, Og = O / c.groups;
  const dx = new Float64Array(N * C * H * W);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const v = gy[((n * O + o) * OH + oh) * OW + ow];
          for (let cc = 0; cc < Cg; cc++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const ih = oh * c.stride[0] - c.pad[0] + i * c.dil[0], iw = ow * c.stride[1] - c.pad[1] + j * c.dil[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                dx[((n * C + g * Cg + cc) * H + ih) * W + iw] += v * w[((o * Cg + cc) * KH + i) * KW + j];
              }
        }
    }
  return dx;
}

function inputGrad(c: Case, x: Tensor, w: Tensor, g: Tensor): Tensor {
  const opts = { stride: c.stride, padding: c.pad, dilation: c.dil, groups: c.groups };
  const [, pull] = vjp((a: Tensor) => F.conv2d(a, w, null, opts), x);
  return (pull(g) as Tensor[])[0];
}

for (const dtype of ["float64", "float32"] as const)
  test(`conv2d input gradient through the direct Wasm path (${dtype})`, { skip: !wasmAvailable() }, () => {
    let seed = 500;
    for (const c of cases) {
      const x = np.astype(rand(c.xs, seed++), dtype), w = np.astype(rand(c.ws, seed++), dtype);
      const y = F.conv2d(x, w, null, { stride: c.stride, padding: c.pad, dilation: c.dil, groups: c.groups });
      const [, , OH, OW] = y.shape;
      const g = np.astype(rand(y.shape as number[], seed++), dtype);
      const before = directProductCount();
      const dx = inputGrad(c, x, w, g);
      assert.equal(directProductCount() - before, c.groups, `${c.name}: one direct product per group`);
      assert.equal(dx.dtype, dtype);
      assert.deepEqual(dx.shape, c.xs);
      const want = adjoint(np.astype(g, "float64").toTypedArray() as Float64Array, np.astype(w, "float64").toTypedArray() as Float64Array, c, OH, OW);
      const got = dx.toTypedArray();
      // Each dx element sums at most O/G * KH * KW products of values in [-1, 1].
      const tol = dtype === "float64" ? 1e-12 : 4e-6 * (c.ws[0] / c.groups) * c.ws[2] * c.ws[3];
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol, `${c.name}: dx[${i}] = ${got[i]}, want ${want[i]}`);
      // The staged path (Wasm off) agrees.
      setWasmEnabled(false);
      try {
        const staged = inputGrad(c, x, w, g).toTypedArray();
        for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - staged[i]) <= 2 * tol, `${c.name}: staged dx[${i}]`);
      } finally {
        setWasmEnabled(true);
      }
    }
  });

test("conv2d input gradient: a batch bigger than one direct product is cut into chunks", { skip: !wasmAvailable() }, () => {
  // float64: 4M elements of operands per product; (K + Og + 8) * P = (72 + 4 + 8) * 900 per item
  // gives chunks of 55 items, so 60 items take two products.
  const N = 60, C = 8, H = 32, O = 4;
  const geo: ConvGeom = { N, C, H, W: H, O, G: 1, KH: 3, KW: 3, OH: 30, OW: 30, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilH: 1, dilW: 1 };
  const gy = rand([N, O, 30, 30], 600).toTypedArray() as Float64Array, w = rand([O, C, 3, 3], 601).toTypedArray() as Float64Array;
  const dx = new Float64Array(N * C * H * H);
  const before = directProductCount();
  convInputGrad(gy, w, geo, dx);
  assert.equal(directProductCount() - before, 2);
  const want = adjoint(gy, w, { name: "", xs: [N, C, H, H], ws: [O, C, 3, 3], stride: [1, 1], pad: [0, 0], dil: [1, 1], groups: 1 }, 30, 30);
  for (const i of [0, 1, 31, 1024 * 8 - 1, 1024 * 8 * 55 + 77, want.length - 1]) assert.ok(Math.abs(dx[i] - want[i]) < 1e-12, `dx[${i}]`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(dx[i] - want[i]));
  assert.ok(worst < 1e-12, `max error ${worst}`);
});

test("conv2d input gradient: a plane too big for the working set takes the staged path", { skip: !wasmAvailable() }, () => {
  // float32 working set: 8M elements; (K + Og + 8) * P = (9 + 2 + 8) * 600 * 800 is more.
  const geo: ConvGeom = { N: 1, C: 1, H: 602, W: 802, O: 2, G: 1, KH: 3, KW: 3, OH: 600, OW: 800, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilH: 1, dilW: 1 };
  const gy = new Float32Array(2 * 600 * 800).fill(1), w = Float32Array.from({ length: 18 }, (_, i) => i % 9 === 4 ? 1 : 0);
  const dx = new Float32Array(602 * 802);
  const before = directProductCount();
  convInputGrad(gy, w, geo, dx);
  assert.equal(directProductCount(), before, "no direct product");
  // Only the centre taps are 1 (in both output channels): dx is 2 under every output position.
  assert.equal(dx[0], 0);
  assert.equal(dx[1 * 802 + 1], 2);
  assert.equal(dx[300 * 802 + 400], 2);
  assert.equal(dx[601 * 802 + 801], 0);
});
