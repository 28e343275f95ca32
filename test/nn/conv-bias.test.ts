// conv2d with a bias, which the kernel folds into its product (a row of ones under the
// unfolded columns) when there is one group: values against the direct loop plus the bias,
// and the weight gradient after a biased forward pass (it reads the kept columns' first rows).
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, vjp, Tensor } from "../../src/index.js";
import { rand } from "../helpers/data.js";
import { assertClose, naiveConv2d, type NaiveConv } from "./naive.js";

const F = nn.functional;

function biased(x: Tensor, w: Tensor, b: Tensor, p: NaiveConv): Float64Array {
  const ref = naiveConv2d(np.astype(x, "float64").toTypedArray() as Float64Array, x.shape as number[], np.astype(w, "float64").toTypedArray() as Float64Array, w.shape as number[], p);
  const [N, O, OH, OW] = ref.shape;
  const bv = b.toTypedArray();
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let q = 0; q < OH * OW; q++) ref.data[(n * O + o) * OH * OW + q] += bv[o];
  return ref.data;
}

const plain: NaiveConv = { stride: [1, 1], pad: [0, 0, 0, 0], dil: [1, 1], groups: 1 };

for (const dtype of ["float64", "float32"] as const)
  test(`conv2d with bias (${dtype}): one group (folded), two groups (added after), padded`, () => {
    const tol = dtype === "float64" ? 1e-12 : 1e-5;
    const x = np.astype(rand([3, 4, 7, 6], 10), dtype), b = np.astype(rand([6], 11), dtype);
    const w1 = np.astype(rand([6, 4, 3, 3], 12), dtype), w2 = np.astype(rand([6, 2, 3, 3], 13), dtype);
    const y1 = F.conv2d(x, w1, b);
    assert.equal(y1.dtype, dtype);
    assertClose(y1, biased(x, w1, b, plain), tol, "groups 1");
    assertClose(F.conv2d(x, w2, b, { groups: 2 }), biased(x, w2, b, { ...plain, groups: 2 }), tol, "groups 2");
    assertClose(F.conv2d(x, w1, b, { padding: 1, stride: 2 }), biased(x, w1, b, { ...plain, stride: [2, 2], pad: [1, 1, 1, 1] }), tol, "padded");
    // A first layer: one input channel (nine taps).
    const x1 = np.astype(rand([2, 1, 9, 8], 14), dtype), wf = np.astype(rand([5, 1, 3, 3], 15), dtype), bf = np.astype(rand([5], 16), dtype);
    assertClose(F.conv2d(x1, wf, bf), biased(x1, wf, bf, plain), tol, "one channel");
  });

test("conv2d: the weight gradient after a biased forward equals the one without bias", () => {
  // d/dw sum(conv(x, w) * g) does not depend on the bias; the biased forward keeps columns with
  // an extra row of ones, of which the weight gradient must read only the taps.
  const x = rand([2, 3, 6, 7], 20), w = rand([4, 3, 3, 3], 21), b = rand([4], 22), g = rand([2, 4, 4, 5], 23);
  const f = (bias: Tensor | null) => (wt: Tensor) => np.sum(np.multiply(F.conv2d(x, wt, bias), g));
  const withBias = grad(f(b))(w) as Tensor, without = grad(f(null))(w) as Tensor;
  assertClose(withBias, without.toTypedArray(), 1e-12);
  // And both gradients of the bias and weights together, the bias's by hand: Σ over n, h, w of g.
  const [gw, gb] = grad((wt: Tensor, bt: Tensor) => np.sum(np.multiply(F.conv2d(x, wt, bt), g)), [0, 1])(w, b) as Tensor[];
  assertClose(gw, without.toTypedArray(), 1e-12);
  const gv = g.toTypedArray();
  const want = [0, 1, 2, 3].map((o) => {
    let s = 0;
    for (let n = 0; n < 2; n++) for (let q = 0; q < 20; q++) s += gv[(n * 4 + o) * 20 + q];
    return s;
  });
  assertClose(gb, want, 1e-12);
});

test("conv2d with bias over a batch larger than one scratch chunk (columns not kept)", () => {
  const x = rand([70, 8, 32, 32], 30, 0, 1), w = rand([4, 8, 3, 3], 31), b = rand([4], 32);
  const y = F.conv2d(x, w, b);
  for (const n of [0, 69]) assertClose(y.get(n), biased(x.get(n).reshape([1, 8, 32, 32]), w, b, plain), 1e-12, `item ${n}`);
  const [, pull] = vjp((a: Tensor) => F.conv2d(x, a, b), w);
  const [dw] = pull(np.ones(y.shape as number[])) as Tensor[];
  // d/dw sum(conv) = window sums of x over all items and positions: check one tap by hand.
  const xv = x.toTypedArray();
  let s = 0;
  for (let n = 0; n < 70; n++) for (let h = 0; h < 30; h++) for (let q = 0; q < 30; q++) s += xv[((n * 8 + 5) * 32 + h + 2) * 32 + q + 1];
  assert.ok(Math.abs(dw.toTypedArray()[(2 * 8 + 5) * 9 + 2 * 3 + 1] - s) < 1e-9 * Math.abs(s));
});
