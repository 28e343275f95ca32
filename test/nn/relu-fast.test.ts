// The float32 bit-pattern loops of relu and relu_grad, and relu_grad's sparse path behind max
// pooling: every special value, strided operands, and the gradient of relu -> maxPool2d worked
// out from the definitions (the maximum of each window gets the output gradient when it is > 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, vjp, Tensor } from "../../src/index.js";
import { reluGrad } from "../../src/ops/relu.js";

const F = nn.functional;

// Bit patterns of the awkward float32 values: ±0, ±1, ±Infinity, ±NaN (both signs, with a
// payload), the smallest subnormals and the largest finite numbers.
const BITS = [0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00001, 0xffc00123, 0x00000001, 0x80000001, 0x7f7fffff, 0xff7fffff];
function specials(): Float32Array {
  const f = new Float32Array(BITS.length);
  new Uint32Array(f.buffer).set(BITS);
  return f;
}

test("relu float32: +0 for -0 and negatives, every other value (NaN payloads too) unchanged", () => {
  const x = specials();
  const y = F.relu(np.array(x, "float32"));
  assert.equal(y.dtype, "float32");
  const got = new Uint32Array((y.toTypedArray() as Float32Array).slice().buffer);
  // Expected by the definition: keep when the number is > 0 or NaN, else +0.
  const want = [0x00000000, 0x00000000, 0x3f800000, 0x00000000, 0x7f800000, 0x00000000, 0x7fc00001, 0xffc00123, 0x00000001, 0x00000000, 0x7f7fffff, 0x00000000];
  assert.deepEqual(Array.from(got), want);
});

test("relu_grad float32: g where x > 0 (not at 0, -0, NaN or negatives), +Infinity and subnormals count", () => {
  const x = np.array(specials(), "float32");
  const g = np.array(BITS.map((_, i) => i + 1), "float32");
  const want = [0, 0, 3, 0, 5, 0, 0, 0, 9, 0, 11, 0];
  assert.deepEqual(Array.from(reluGrad(g, x).toTypedArray()), want);
  // Through grad: d/dx sum(relu(x) * c) = c where x > 0.
  const c = np.array([2, 3, 4, 5], "float32");
  const gx = grad((t: Tensor) => np.sum(np.multiply(F.relu(t), c)))(np.array([-1, 0.5, 0, 7], "float32")) as Tensor;
  assert.equal(gx.dtype, "float32");
  assert.deepEqual(Array.from(gx.toTypedArray()), [0, 3, 0, 5]);
});

test("relu and relu_grad float32 on strided views and offsets match the float64 loops", () => {
  const base = np.reshape(np.array(Float32Array.from({ length: 48 }, (_, i) => Math.sin(i * 2.1) * (i % 5)), "float32"), [6, 8]);
  const xt = np.transpose(base); // strided
  const y = F.relu(xt);
  const yd = F.relu(np.astype(xt, "float64"));
  assert.deepEqual(Array.from(y.toTypedArray()), Array.from(yd.toTypedArray(), (v) => Math.fround(v)));
  const g = np.transpose(np.reshape(np.array(Float32Array.from({ length: 48 }, (_, i) => i - 20), "float32"), [6, 8]));
  const r = reluGrad(g, xt), rd = reluGrad(np.astype(g, "float64"), np.astype(xt, "float64"));
  assert.deepEqual(Array.from(r.toTypedArray()), Array.from(rd.toTypedArray()));
});

test("relu_grad checks that its operands have one shape", () => {
  assert.throws(() => reluGrad(np.ones([2, 3]), np.ones([3])), /relu_grad: cotangent \(2, 3\) and input \(3,\)/);
});

/** The gradient of sum(c * maxPool2d(relu(x), k, stride)) by the definition, on one 1x1 plane. */
function expectedGrad(x: number[][], c: number[][], k: number, s: number): number[] {
  const H = x.length, W = x[0].length;
  const out = new Array(H * W).fill(0);
  for (let oh = 0; oh < c.length; oh++)
    for (let ow = 0; ow < c[0].length; ow++) {
      let best = -Infinity, bi = -1, bj = -1;
      for (let i = 0; i < k; i++)
        for (let j = 0; j < k; j++) {
          const v = Math.max(x[oh * s + i][ow * s + j], 0);
          if (v > best) [best, bi, bj] = [v, oh * s + i, ow * s + j];
        }
      if (x[bi][bj] > 0) out[bi * W + bj] += c[oh][ow];
    }
  return out;
}

for (const dtype of ["float32", "float64"] as const)
  for (const [k, s] of [[2, 2], [2, 1], [3, 3]] as const)
    test(`gradient through relu then maxPool2d (k ${k}, stride ${s}, ${dtype}): the window maximum gets c when > 0`, () => {
      // Distinct values, a window whose maximum is 0 (all non-positive) and one entirely negative.
      const x = [
        [0.5, -1, 2, 3, -4, -5],
        [1.5, -2, -3, 0.25, -6, -7],
        [-1, -1, 4, -2, 0.75, -8],
        [-2, -3, 1, 5, 0.5, 2.5],
        [0, -9, -1, 0.1, -1, 6],
        [-1, -8, 3.5, -2, 1.25, -0.5],
      ];
      const OH = Math.floor((6 - k) / s) + 1;
      const c = Array.from({ length: OH }, (_, i) => Array.from({ length: OH }, (_, j) => i * OH + j + 1));
      const xt = np.array([[x]], dtype), ct = np.array([[c]], dtype);
      const f = (t: Tensor) => np.sum(np.multiply(F.maxPool2d(F.relu(t), k, { stride: s }), ct));
      const gx = grad(f)(xt) as Tensor;
      assert.equal(gx.dtype, dtype);
      assert.deepEqual(Array.from(gx.toTypedArray()), expectedGrad(x, c, k, s));
      // The same through vjp with a cotangent that is not all ones, and twice in a row (the
      // relu output is a fresh tensor each time, so nothing is shared between the calls).
      const [, pull] = vjp(f, xt);
      assert.deepEqual(Array.from((pull(np.array(1, dtype)) as Tensor[])[0].toTypedArray()), expectedGrad(x, c, k, s));
      assert.deepEqual(Array.from((pull(np.array(2, dtype)) as Tensor[])[0].toTypedArray()), expectedGrad(x, c, k, s).map((v) => 2 * v));
    });

test("gradient through relu then maxPool2d when the relu output is used twice (cotangents add)", () => {
  const x = np.array([[[[1, -2, 3, 4], [-1, 5, -6, 0.5], [2, 2.5, -3, -4], [0.25, -1, 7, 1]]]]);
  const gx = grad((t: Tensor) => {
    const r = F.relu(t);
    return np.add(np.sum(F.maxPool2d(r, 2)), np.sum(np.multiply(r, 0.5)));
  })(x) as Tensor;
  // maxima 5, 4, 2.5, 7 get 1; every positive element gets 0.5.
  assert.deepEqual(Array.from(gx.toTypedArray()), [0.5, 0, 0.5, 1.5, 0, 1.5, 0, 0.5, 0.5, 1.5, 0, 0, 0.5, 0, 1.5, 0.5]);
});

test("second derivative through relu then maxPool2d is zero (piecewise linear)", () => {
  const x = np.array([[[[1, -2, 3, 4], [-1, 5, -6, 0.5], [2, 2.5, -3, -4], [0.25, -1, 7, 1]]]]);
  const g2 = grad((t: Tensor) => np.sum(np.square(grad((u: Tensor) => np.sum(np.square(F.maxPool2d(F.relu(u), 2))))(t) as Tensor)))(x) as Tensor;
  // d/dx of sum((2·max·[argmax])²) = 8·max at each positive maximum.
  assert.deepEqual(Array.from(g2.toTypedArray()), [0, 0, 0, 32, 0, 40, 0, 0, 0, 20, 0, 0, 0, 0, 56, 0]);
});
