// The elementwise fast paths must give exactly what the general loops give: multiplying by an
// operand that is 1 everywhere returns a view (no copy), and a scalar meeting a contiguous array
// of any rank runs as one flat loop. Expected values are worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, Tensor } from "../../src/index.js";

test("x * 1 keeps every value (-0, NaN, infinities) and the dtype, as a new tensor", () => {
  const x = np.array([-0, NaN, Infinity, -2.5, 3]);
  // (np.ones([1, 5]) is a real array, so multiplies; the result has its leading axis.)
  for (const one of [1, np.array(1), np.broadcastTo(np.array(1), [5]), np.ones([1, 5])]) {
    for (const y of [np.multiply(x, one), np.multiply(one, x)]) {
      assert.notEqual(y, x);
      assert.equal(y.dtype, "float64");
      const v = Array.from(y.toTypedArray());
      assert.ok(Object.is(v[0], -0));
      assert.ok(Number.isNaN(v[1]));
      assert.deepEqual(v.slice(2), [Infinity, -2.5, 3]);
    }
  }
  // The shape of the result is the broadcast shape: a ones operand with more axes is multiplied.
  assert.deepEqual(np.multiply(x, np.ones([2, 5])).shape, [2, 5]);
  // dtype promotion still applies: int32 * float64 ones is float64, float32 * weak 1 stays float32.
  const i = np.array([1, -2], "int32");
  assert.equal(np.multiply(i, np.array([1, 1])).dtype, "float64");
  assert.equal(np.multiply(i, 1).dtype, "int32");
  assert.deepEqual(np.multiply(np.array([0.1], "float32"), 1).toArray(), [Math.fround(0.1)]);
  // A strided operand keeps its values in C order.
  const t = np.transpose(np.reshape(np.arange(6), [2, 3]));
  assert.deepEqual(np.multiply(t, 1).toArray(), [[0, 3], [1, 4], [2, 5]]);
  // bool * True is the bool itself.
  assert.deepEqual(np.multiply(np.array([true, false]), true).toArray(), [true, false]);
});

test("a broadcast scalar other than 1 is still multiplied", () => {
  const x = np.array([1, -2, 4]);
  assert.deepEqual(np.multiply(x, np.broadcastTo(np.array(0.5), [3])).toArray(), [0.5, -1, 2]);
  assert.deepEqual(np.multiply(np.broadcastTo(np.array(-1), [3]), x).toArray(), [-1, 2, -4]);
});

test("the gradient of a sum (a broadcast 1) through multiply is the other factor", () => {
  const a = np.array([[1, 2], [3, 4]]);
  const b = np.array([[5, -6], [7, 0.5]]);
  const g = grad((u: Tensor) => np.sum(np.multiply(u, b)))(a) as Tensor;
  assert.deepEqual(g.toArray(), [[5, -6], [7, 0.5]]);
  const g32 = grad((u: Tensor) => np.sum(np.multiply(u, np.astype(b, "float32"))))(np.astype(a, "float32")) as Tensor;
  assert.equal(g32.dtype, "float32");
  assert.deepEqual(g32.toArray(), [[5, -6], [7, 0.5]]);
});

test("scalars against contiguous arrays of any rank, and against views", () => {
  const x = np.reshape(np.arange(24), [2, 3, 4]);
  const y = np.subtract(10, x);
  assert.deepEqual(y.shape, [2, 3, 4]);
  const flat = y.toTypedArray();
  for (let i = 0; i < 24; i++) assert.equal(flat[i], 10 - i);
  const z = np.multiply(np.array(2, "float32"), np.astype(x, "float32"));
  assert.equal(z.dtype, "float32");
  assert.deepEqual(Array.from(z.toTypedArray()), Array.from({ length: 24 }, (_, i) => 2 * i));
  // A transposed view with a scalar goes through the strided loop, in C order of the result.
  const t = np.transpose(np.reshape(np.arange(6), [2, 3]));
  assert.deepEqual(np.add(t, 0.5).toArray(), [[0.5, 3.5], [1.5, 4.5], [2.5, 5.5]]);
  // Same-size operands of different ranks (a leading 1) run flat too.
  assert.deepEqual(np.add(np.arange(3), np.reshape(np.arange(3), [1, 3])).toArray(), [[0, 2, 4]]);
});
