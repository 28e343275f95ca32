// Inspection and whole-array comparison; expected answers follow NumPy's definitions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, vjp, Tensor, ShapeError } from "../../src/index.js";

test("allclose: tolerances, broadcasting, nan and inf", () => {
  assert.equal(np.allclose([1, 2], [1, 2 + 1e-9]), true);
  assert.equal(np.allclose([1, 2], [1, 2.001]), false);
  assert.equal(np.allclose([1, 2], [1, 2.001], { atol: 0.01 }), true);
  assert.equal(np.allclose([100], [100.05], { rtol: 1e-3 }), true);
  // |a - b| <= atol + rtol |b| is asymmetric: rtol scales b only.
  assert.equal(np.allclose([1], [0.5], { rtol: 0.5, atol: 0 }), false);
  assert.equal(np.allclose([0.5], [1], { rtol: 0.5, atol: 0 }), true);
  assert.equal(np.allclose([[1, 2], [1, 2]], [1, 2]), true);
  assert.equal(np.allclose([NaN, 1], [NaN, 1]), false);
  assert.equal(np.allclose([NaN, 1], [NaN, 1], { equalNan: true }), true);
  assert.equal(np.allclose([Infinity], [Infinity]), true);
  assert.equal(np.allclose([Infinity], [-Infinity]), false);
  assert.equal(np.allclose([Infinity], [1e308]), false);
  assert.equal(np.allclose(np.array([1, 2], "float32"), np.array([1, 2], "int32")), true);
  assert.throws(() => np.allclose([1, 2], [1, 2, 3]), ShapeError);
});

test("arrayEqual and arrayEquiv", () => {
  assert.equal(np.arrayEqual([1, 2], [1, 2]), true);
  assert.equal(np.arrayEqual([1, 2], np.array([1, 2], "int32")), true);
  assert.equal(np.arrayEqual([1, 2], [1, 3]), false);
  assert.equal(np.arrayEqual([1, 2], [[1, 2]]), false);
  assert.equal(np.arrayEqual([NaN], [NaN]), false);
  assert.equal(np.arrayEqual([NaN], [NaN], { equalNan: true }), true);
  assert.equal(np.arrayEquiv([1, 2], [[1, 2], [1, 2]]), true);
  assert.equal(np.arrayEquiv([1, 2], [[1, 2], [1, 3]]), false);
  assert.equal(np.arrayEquiv([1, 2], [1, 2, 3]), false);
  assert.equal(np.arrayEqual(np.transpose(np.array([[1, 2], [3, 4]])), [[1, 3], [2, 4]]), true);
});

test("resultType: NumPy's promotion, JS numbers weak", () => {
  assert.equal(np.resultType(np.zeros(2, "float32"), np.zeros(2)), "float64");
  assert.equal(np.resultType(np.zeros(2, "float32"), 2.0), "float32");
  assert.equal(np.resultType(np.zeros(2, "int32"), np.zeros(2, "float32")), "float64");
  assert.equal(np.resultType(np.zeros(2, "int32"), 3), "int32");
  assert.equal(np.resultType(np.zeros(2, "int32"), 2.5), "float64");
  assert.equal(np.resultType("bool", "int32"), "int32");
  assert.equal(np.resultType("float32", 1), "float32");
  assert.equal(np.resultType(np.zeros(2, "bool")), "bool");
  assert.throws(() => np.resultType());
});

test("isscalar, ndim, shape, size", () => {
  assert.equal(np.isscalar(3.5), true);
  assert.equal(np.isscalar(true), true);
  assert.equal(np.isscalar(np.array(3.5)), false);
  assert.equal(np.isscalar([1]), false);
  const x = np.zeros([3, 4, 5]);
  assert.equal(np.ndim(x), 3);
  assert.equal(np.ndim(2), 0);
  assert.equal(np.ndim([[1, 2]]), 2);
  assert.deepEqual(np.shape(x), [3, 4, 5]);
  assert.deepEqual(np.shape([[1, 2, 3]]), [1, 3]);
  assert.equal(np.size(x), 60);
  assert.equal(np.size(x, 1), 4);
  assert.equal(np.size(x, -1), 5);
  assert.equal(np.size(x, { axis: 0 }), 3);
  assert.throws(() => np.size(x, 3), ShapeError);
  // np.shape returns a fresh array, not the tensor's own.
  const s = np.shape(x);
  s[0] = 99;
  assert.deepEqual(x.shape, [3, 4, 5]);
});

test("iscomplexobj and isrealobj", () => {
  assert.equal(np.iscomplexobj(np.zeros(2)), false);
  assert.equal(np.isrealobj([1, 2]), true);
});

test("copy: own storage, differentiable", () => {
  const x = np.array([[1, 2], [3, 4]]);
  const t = np.transpose(x);
  const c = np.copy(t);
  assert.deepEqual(c.toArray(), [[1, 3], [2, 4]]);
  assert.equal(c.isContiguous, true);
  assert.notEqual(c.data, x.data);
  assert.notEqual(x.copy(), x);
  assert.equal(np.copy(np.array(2, "int32")).dtype, "int32");
  const g = grad((v: Tensor) => np.sum(np.multiply(np.copy(v), v)))(np.array([1, 2]));
  assert.deepEqual(g.toArray(), [2, 4]);
});

test("the inspection functions read traced values and add no gradient", () => {
  let inside: boolean[] = [];
  const f = (v: Tensor) => {
    inside = [np.allclose(v, [1, 2]), np.arrayEqual(v, [1, 2]), np.arrayEquiv(v, [[1, 2]])];
    assert.equal(np.ndim(v), 1);
    assert.equal(np.size(v), 2);
    assert.equal(np.resultType(v, 1.5), "float64");
    return np.sum(np.multiply(v, np.allclose(v, [1, 2]) ? 3 : 5));
  };
  assert.deepEqual(grad(f)(np.array([1, 2])).toArray(), [3, 3]);
  assert.deepEqual(inside, [true, true, true]);
  const [, pull] = vjp((v: Tensor) => np.zerosLike(v), np.array([1, 2], "float32"));
  const z = pull(np.array([1, 1], "float32"))[0] as Tensor;
  assert.equal(z.dtype, "float32");
  assert.deepEqual(z.toArray(), [0, 0]);
});
