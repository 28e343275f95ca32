// The one-pass float32 sums behind bias gradients (src/ops/reduce-sum-f32.ts): leading and
// trailing axes reduced around a kept block, with keepdims, against sums worked out exactly
// (integer data, so every order of addition gives the same float32).
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, Tensor } from "../../src/index.js";

const F = nn.functional;

/** x[n, c, h, w] = ((n*7 + c*3 + h*5 + w) % 11) - 5 as float32 of shape [N, C, H, W]. */
function nchw(N: number, C: number, H: number, W: number): Tensor {
  const a = new Float32Array(N * C * H * W);
  let q = 0;
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) a[q++] = ((n * 7 + c * 3 + h * 5 + w) % 11) - 5;
  return np.reshape(np.array(a, "float32"), [N, C, H, W]);
}

test("sum over N, H, W of float32 NCHW keeps C, exactly, with and without keepdims", () => {
  const [N, C, H, W] = [3, 4, 5, 6];
  const want = new Array(C).fill(0);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) want[c] += ((n * 7 + c * 3 + h * 5 + w) % 11) - 5;
  const x = nchw(N, C, H, W);
  const s = np.sum(x, { axis: [0, 2, 3] });
  assert.equal(s.dtype, "float32");
  assert.deepEqual(s.shape, [C]);
  assert.deepEqual(Array.from(s.toTypedArray()), want);
  const k = np.sum(x, { axis: [0, -2, -1], keepdims: true });
  assert.deepEqual(k.shape, [1, C, 1, 1]);
  assert.deepEqual(Array.from(k.toTypedArray()), want);
});

test("sum over the leading axis of a float32 matrix (a dense layer's bias gradient)", () => {
  const x = np.reshape(np.array(Float32Array.from({ length: 130 * 7 }, (_, i) => (i % 9) - 4), "float32"), [130, 7]);
  const want = Array.from({ length: 7 }, (_, j) => {
    let s = 0;
    for (let i = 0; i < 130; i++) s += ((i * 7 + j) % 9) - 4;
    return s;
  });
  assert.deepEqual(Array.from(np.sum(x, 0).toTypedArray()), want);
  assert.deepEqual(np.sum(x, 0, true).shape, [1, 7]);
  // Trailing-only and middle-kept forms.
  // Rows 0, 1, 2 hold j - 4; 3, 4, -4, ...; 1, 2, 3, 4, -4, -3, -2.
  assert.deepEqual(Array.from(np.sum(x, 1).toTypedArray()).slice(0, 3), [-7, -3, 1]);
});

test("float32 sums of many small values stay accurate (float64 accumulation)", () => {
  // 2^20 copies of 0.1f per column: a float32 running sum would drift by percents.
  const n = 1 << 20;
  const x = np.reshape(np.full([n * 2], 0.1, "float32"), [n, 2]);
  const s = np.sum(x, 0).toTypedArray();
  const exact = n * Math.fround(0.1);
  for (const v of s) assert.ok(Math.abs(v - exact) <= exact * 1e-7, `${v} vs ${exact}`);
  const y = np.reshape(np.full([4 * 3 * 1000], 0.1, "float32"), [4, 3, 1000]);
  for (const v of np.sum(y, { axis: [0, 2] }).toTypedArray()) assert.ok(Math.abs(v - 4000 * Math.fround(0.1)) <= 1e-3);
});

test("the conv bias gradient is the sum of the output gradient over N, H and W", () => {
  const x = nchw(2, 3, 6, 5), w = np.multiply(np.ones([4, 3, 3, 3], "float32"), 0.5), b = np.zeros([4], "float32");
  const c = nchw(2, 4, 4, 3);
  const gb = grad((bb: Tensor) => np.sum(np.multiply(F.conv2d(x, w, bb), c)))(b) as Tensor;
  assert.equal(gb.dtype, "float32");
  const want = new Array(4).fill(0);
  for (let n = 0; n < 2; n++) for (let o = 0; o < 4; o++) for (let h = 0; h < 4; h++) for (let q = 0; q < 3; q++) want[o] += ((n * 7 + o * 3 + h * 5 + q) % 11) - 5;
  assert.deepEqual(Array.from(gb.toTypedArray()), want);
});
