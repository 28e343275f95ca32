// The fused log_softmax primitive: values worked out by hand (including the infinities and NaN
// rules the composition had), axes and dtypes, gradients, a Hessian, and vmap's batching rule.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, hessian, jacobian, vmap, Tensor } from "../../src/index.js";
import { assertClose } from "./naive.js";

const F = nn.functional;
const L2 = Math.log(2), L3 = Math.log(3), L6 = Math.log(6);

test("logSoftmax: values by hand, one pass per slice, any axis", () => {
  // softmax([0, log 2, log 3]) = [1, 2, 3] / 6.
  assertClose(F.logSoftmax(np.array([0, L2, L3])), [-L6, L2 - L6, L3 - L6]);
  // Shift invariance with huge values (no overflow).
  assertClose(F.logSoftmax(np.array([1000, 1000, 1000 + L2])), [-Math.log(4), -Math.log(4), L2 - Math.log(4)]);
  // Axis 0 of a 2x2 matrix, and the middle axis of a 2x2x1 tensor (negative axis too).
  const m = np.array([[0, 5], [L3, 5]]);
  assertClose(F.logSoftmax(m, 0), [-Math.log(4), -L2, L3 - Math.log(4), -L2]);
  assertClose(F.logSoftmax(m, { axis: -2 }), [-Math.log(4), -L2, L3 - Math.log(4), -L2]);
  assertClose(F.logSoftmax(np.reshape(m, [2, 2, 1]), 1), [-Math.log(1 + Math.exp(5)), 5 - Math.log(1 + Math.exp(5)), L3 - Math.log(3 + Math.exp(5)), 5 - Math.log(3 + Math.exp(5))]);
});

test("logSoftmax: dtypes (float32 stays float32, int32 becomes float64) and errors", () => {
  const y = F.logSoftmax(np.array([0, L2, L3], "float32"));
  assert.equal(y.dtype, "float32");
  assertClose(y, [-L6, L2 - L6, L3 - L6], 1e-6);
  const yi = F.logSoftmax(np.array([1, 1], "int32"));
  assert.equal(yi.dtype, "float64");
  assertClose(yi, [-L2, -L2]);
  assert.throws(() => F.logSoftmax(np.array([1, 2]), 1), /logSoftmax: axis 1 is out of bounds for an array of dimension 1/);
});

test("logSoftmax: -Infinity entries get -Infinity; an all -Infinity slice, +Infinity and NaN give NaN only in their slice", () => {
  const y = F.logSoftmax(np.array([[-Infinity, 0, 0], [-Infinity, -Infinity, -Infinity], [Infinity, 0, 1], [NaN, 0, 1], [0, L2, L3]]), 1).toTypedArray();
  assert.deepEqual(Array.from(y.slice(0, 3)), [-Infinity, -L2, -L2]);
  assert.ok(Array.from(y.slice(3, 6)).every(Number.isNaN));
  // +Infinity: inf - inf is NaN for that entry, the finite ones go to -Infinity.
  assert.ok(Number.isNaN(y[6]));
  assert.deepEqual(Array.from(y.slice(7, 9)), [-Infinity, -Infinity]);
  assert.ok(Array.from(y.slice(9, 12)).every(Number.isNaN));
  assertClose(np.array(Array.from(y.slice(12))), [-L6, L2 - L6, L3 - L6]);
});

test("logSoftmax: gradient c - softmax(x)·Σc, Jacobian I - 1·softmaxᵀ, Hessian of logsumexp diag(p) - p·pᵀ", () => {
  const x = np.array([0, L2, L3]);
  const p = [1 / 6, 2 / 6, 3 / 6];
  const c = np.array([1, -2, 4]);
  const g = grad((t: Tensor) => np.sum(np.multiply(F.logSoftmax(t), c)))(x) as Tensor;
  assertClose(g, [1 - p[0] * 3, -2 - p[1] * 3, 4 - p[2] * 3]);
  const J = jacobian((t: Tensor) => F.logSoftmax(t))(x) as Tensor;
  assertClose(J, [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? 1 : 0) - p[j])));
  // -logSoftmax(x)[0] = logsumexp(x) - x[0]: its Hessian is that of logsumexp.
  const H = hessian((t: Tensor) => np.negative(np.sum(np.multiply(F.logSoftmax(t), np.array([1, 0, 0])))))(x) as Tensor;
  assertClose(H, [0, 1, 2].flatMap((i) => [0, 1, 2].map((j) => (i === j ? p[i] : 0) - p[i] * p[j])));
});

test("logSoftmax under vmap: the batching rule shifts the axis past the batch axis", () => {
  const xs = np.array([[[0, L2], [L3, 0]], [[1, 1], [0, 0]]]); // (2, 2, 2)
  const y0 = vmap((t: Tensor) => F.logSoftmax(t, 0))(xs) as Tensor;
  // Per example, axis 0 of a 2x2: columns normalized.
  const E1 = Math.log(1 + Math.E), E2 = Math.log(2 + Math.E);
  assertClose(y0, [-Math.log(4), L2 - Math.log(3), L3 - Math.log(4), -Math.log(3), 1 - E1, 1 - E1, -E1, -E1]);
  // Mapped over the last axis: examples xs[:, :, k], the per-example axis 0 stays axis 0.
  const y1 = vmap((t: Tensor) => F.logSoftmax(t, 0), { inAxes: 2 })(xs) as Tensor;
  assertClose(y1, [-E1, L3 - Math.log(4), 1 - E1, -Math.log(4), L2 - E2, -L2, 1 - E2, -L2]);
});

test("crossEntropy with class indices, through the fused log_softmax: value and gradient by hand", () => {
  // Rows [0, log 2, log 3] with target 2 and [0, 0] padded... one row per target class.
  const z = np.array([[0, L2, L3], [L3, L2, 0]]);
  const t = np.array([2, 1], "int32");
  // loss = mean(-(log 3 - log 6), -(log 2 - log 6)) = (log 2 + log 3) / 2.
  assertClose(F.crossEntropy(z, t), [(L2 + Math.log(3)) / 2]);
  const g = grad((u: Tensor) => F.crossEntropy(u, t))(z) as Tensor;
  // (softmax - onehot) / N.
  assertClose(g, [1 / 12, 2 / 12, (3 / 6 - 1) / 2, 3 / 12, (2 / 6 - 1) / 2, 1 / 12]);
});
