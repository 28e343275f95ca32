// nn.functional.maxPool2d / avgPool2d: values and gradients worked by hand, PyTorch's output
// sizes (ceil mode), tie and NaN rules, dtypes and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, jvp, Tensor, ShapeError, ArgumentError, DTypeError } from "../../src/index.js";
import { rand } from "../helpers/data.js";
import { assertClose } from "./naive.js";

const F = nn.functional;
// 1..16 in a 4x4 plane.
const X = np.reshape(np.arange(1, 17), [1, 1, 4, 4]).astype("float64");

test("maxPool2d: 2x2 windows, and 3x3 stride 2 with padding (-inf padding)", () => {
  assertClose(F.maxPool2d(X, 2), [6, 8, 14, 16]);
  assertClose(F.maxPool2d(X, 3, { stride: 2, padding: 1 }), [6, 8, 14, 16]);
  assertClose(F.maxPool2d(np.negative(X), 3, { stride: 2, padding: 1 }), [-1, -2, -5, -6]);
  assert.deepEqual(F.maxPool2d(X, 2, { stride: 1 }).shape, [1, 1, 3, 3]);
});

test("maxPool2d: ceil mode adds a partial last window; one starting in right padding is dropped", () => {
  const y = F.maxPool2d(X, 3, { stride: 2, ceilMode: true });
  assert.deepEqual(y.shape, [1, 1, 2, 2]);
  assertClose(y, [11, 12, 15, 16]);
  // H=5, k=2, s=2, p=1: floor gives 3; ceil would give 4 but that window would start at 6 >= 5 + 1.
  assert.deepEqual(F.maxPool2d(np.zeros([1, 1, 5, 5]), 2, { stride: 2, padding: 1, ceilMode: true }).shape, [1, 1, 3, 3]);
  // H=6, k=3, s=2: floor 2, ceil 3 (the last window starts at 4 < 6).
  assert.deepEqual(F.maxPool2d(np.zeros([1, 1, 6, 6]), 3, { stride: 2, ceilMode: true }).shape, [1, 1, 3, 3]);
});

test("maxPool2d: dilation spreads the taps", () => {
  // Taps (0,0), (0,2), (2,0), (2,2) from each start: max of x[i,j], x[i,j+2], x[i+2,j], x[i+2,j+2].
  assertClose(F.maxPool2d(X, 2, { stride: 1, dilation: 2 }), [11, 12, 15, 16]);
});

test("maxPool2d: the gradient goes to the maximum; overlapping windows accumulate", () => {
  const g = grad((x: Tensor) => np.sum(F.maxPool2d(x, 2, { stride: 1 })))(X) as Tensor;
  // Each 2x2 window's max is its bottom-right element: x[1..3, 1..3] each get 1.
  assertClose(g, [0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1]);
  const y = np.array([[[[0, 5, 1], [2, 0, 0], [0, 0, 3]]]]);
  const gy = grad((x: Tensor) => np.sum(F.maxPool2d(x, 2, { stride: 1 })))(y) as Tensor;
  // Windows: {0,5,2,0} -> 5, {5,1,0,0} -> 5, {2,0,0,0} -> 2, {0,0,0,3} -> 3.
  assertClose(gy, [0, 2, 0, 1, 0, 0, 0, 0, 1]);
});

test("maxPool2d: ties send the gradient to the first maximum in row-major order (PyTorch's rule)", () => {
  const y = np.array([[[[7, 7], [7, 7]]]]);
  assertClose(grad((x: Tensor) => np.sum(F.maxPool2d(x, 2)))(y) as Tensor, [1, 0, 0, 0]);
  const [, idx] = F.maxPool2dWithIndices(np.array([[[[1, 3, 3, 0], [3, 2, 0, 3]]]]), 2);
  assert.equal(idx.dtype, "int32");
  assert.deepEqual(idx.toArray(), [[[[1, 2]]]]);
});

test("maxPool2d: NaN propagates", () => {
  const y = F.maxPool2d(np.array([[[[1, NaN, 2, 3], [0, 1, 5, 4]]]]), 2);
  const v = y.toTypedArray();
  assert.ok(Number.isNaN(v[0]));
  assert.equal(v[1], 5);
});

test("maxPool2dWithIndices: flat positions h*W + w within each plane", () => {
  const [out, idx] = F.maxPool2dWithIndices(X, 3, { stride: 2, padding: 1 });
  assertClose(out, [6, 8, 14, 16]);
  assert.deepEqual(idx.toArray(), [[[[5, 7], [13, 15]]]]);
});

test("maxPool2d: jvp picks the tangent at each maximum", () => {
  const t = np.reshape(np.arange(16), [1, 1, 4, 4]).astype("float64");
  const [, tout] = jvp((x: Tensor) => F.maxPool2d(x, 2), [X], [np.multiply(t, 10)]);
  assertClose(tout as Tensor, [50, 70, 130, 150]);
});

test("avgPool2d: window means; countIncludePad true (default) and false", () => {
  assertClose(F.avgPool2d(X, 2), [3.5, 5.5, 11.5, 13.5]);
  // Window at (-1,-1) covers 1, 2, 5, 6 of its 9 cells; (-1, 1) covers 2,3,4,6,7,8.
  assertClose(F.avgPool2d(X, 3, { stride: 2, padding: 1 }), [14 / 9, 30 / 9, 57 / 9, 99 / 9]);
  assertClose(F.avgPool2d(X, 3, { stride: 2, padding: 1, countIncludePad: false }), [14 / 4, 30 / 6, 57 / 6, 99 / 9]);
});

test("avgPool2d: ceil mode divides by the window clipped to the padded input", () => {
  // Windows rows/cols {0,1,2} and {2,3}: the partial ones divide by 6 (or 4), not 9.
  assertClose(F.avgPool2d(X, 3, { stride: 2, ceilMode: true }), [54 / 9, 45 / 6, 72 / 6, 54 / 4]);
});

test("avgPool2d: gradient spreads 1/count over each window, accumulating where windows overlap", () => {
  const g = grad((x: Tensor) => np.sum(F.avgPool2d(x, 2, { stride: 1 })))(np.reshape(np.arange(9), [1, 1, 3, 3]).astype("float64")) as Tensor;
  assertClose(g, [0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25]);
  const g2 = grad((x: Tensor) => np.sum(F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false })))(X) as Tensor;
  // Corners of the 4x4 see one window (divisor 4, 6 or 9); x[1,1] is in all four windows (1/4 + 1/6 + 1/6 + 1/9).
  const w00 = 1 / 4, w01 = 1 / 6, w11 = 1 / 9;
  assertClose(g2, [
    w00, w00 + w01, w01, w01,
    w00 + w01, w00 + 2 * w01 + w11, w01 + w11, w01 + w11,
    w01, w01 + w11, w11, w11,
    w01, w01 + w11, w11, w11,
  ]);
});

test("pooling: float32 in, float32 out and gradients; int32 max stays int32, avg goes to float64", () => {
  const x32 = rand([2, 3, 6, 6], 10).astype("float32");
  for (const f of [(x: Tensor) => F.maxPool2d(x, 2), (x: Tensor) => F.avgPool2d(x, 3, { stride: 2, padding: 1 })]) {
    assert.equal(f(x32).dtype, "float32");
    assert.equal((grad((x: Tensor) => np.sum(f(x)))(x32) as Tensor).dtype, "float32");
  }
  const xi = np.reshape(np.arange(16, undefined, undefined, "int32"), [1, 1, 4, 4]);
  const mi = F.maxPool2d(xi, 2);
  assert.equal(mi.dtype, "int32");
  assert.deepEqual(mi.toArray(), [[[[5, 7], [13, 15]]]]);
  assert.equal(F.avgPool2d(xi, 2).dtype, "float64");
});

test("pooling: unbatched (C, H, W) input", () => {
  const y = F.maxPool2d(X.get(0), 2);
  assert.deepEqual(y.shape, [1, 2, 2]);
  assertClose(y, [6, 8, 14, 16]);
  assert.deepEqual(F.avgPool2d(X.get(0), 2).shape, [1, 2, 2]);
});

test("pooling: strided input views", () => {
  const base = rand([2, 2, 6, 5], 20);
  const x = np.transpose(base, [0, 1, 3, 2]);
  assertClose(F.maxPool2d(x, 2, { stride: 1, padding: 1 }), F.maxPool2d(np.copy(x), 2, { stride: 1, padding: 1 }).toTypedArray());
  assertClose(F.maxPool2d(x, 2), F.maxPool2d(np.copy(x), 2).toTypedArray());
  assertClose(F.avgPool2d(x, 3, { padding: 1 }), F.avgPool2d(np.copy(x), 3, { padding: 1 }).toTypedArray());
});

test("pooling: errors", () => {
  assert.throws(() => F.maxPool2d(X, 2, { padding: 2 }), (e: unknown) => e instanceof ArgumentError && /at most half the kernel/.test(e.message));
  assert.throws(() => F.maxPool2d(X, 5), (e: unknown) => e instanceof ShapeError && /larger than the padded input/.test(e.message));
  assert.throws(() => F.avgPool2d(np.zeros([4, 4]), 2), (e: unknown) => e instanceof ShapeError && /4-d \(N, C, H, W\) or 3-d/.test(e.message));
  assert.throws(() => F.maxPool2d(X, 0), ArgumentError);
  assert.throws(() => F.maxPool2d(X.astype("bool"), 2), DTypeError);
});

test("maxPool2d: jvp and vjp with strided tangents and cotangents", () => {
  const x = rand([1, 2, 4, 6], 30);
  const tBase = rand([1, 2, 6, 4], 31);
  const t = np.transpose(tBase, [0, 1, 3, 2]);
  const [, a] = jvp((v: Tensor) => F.maxPool2d(v, 2), [x], [t]);
  const [, b] = jvp((v: Tensor) => F.maxPool2d(v, 2), [x], [np.copy(t)]);
  assertClose(a as Tensor, (b as Tensor).toTypedArray());
});

test("maxPool2d: 2x2 stride-2 windows on a strided view, ties to the first maximum, gradient to it", () => {
  // Transposed (H, W) so rows are not contiguous; window maxima worked by hand.
  const base = np.array([[[[1, 5, 2, 2], [3, 5, 0, 2], [7, 1, 4, 4], [0, 7, 4, 9]]]]);
  const x = np.transpose(base, [0, 1, 3, 2]);
  // x = [[1,3,7,0],[5,5,1,7],[2,0,4,4],[2,2,4,9]]: windows {1,3,5,5} {7,0,1,7} {2,0,2,2} {4,4,4,9}.
  assertClose(F.maxPool2d(x, 2), [5, 7, 2, 9]);
  const [, idx] = F.maxPool2dWithIndices(x, 2);
  assert.deepEqual(Array.from(idx.toTypedArray()), [4, 2, 8, 15]);
  const gx = grad((t: Tensor) => np.sum(F.maxPool2d(t, 2)))(x) as Tensor;
  assertClose(gx, [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
  // The same values as a column slice of a wider array: unit column stride, row stride 6.
  const wide = np.pad(x, [[0, 0], [0, 0], [0, 0], [1, 1]], { constantValues: -50 });
  const xs = wide.get("...", "1:5");
  assertClose(F.maxPool2d(xs, 2), [5, 7, 2, 9]);
  assert.deepEqual(Array.from(F.maxPool2dWithIndices(xs, 2)[1].toTypedArray()), [4, 2, 8, 15]);
  assertClose(grad((t: Tensor) => np.sum(F.maxPool2d(t, 2)))(xs) as Tensor, [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
});
