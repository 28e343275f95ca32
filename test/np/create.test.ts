// Creation functions: values worked out by hand from NumPy's definitions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, jvp, vjp, checkGrads, Tensor, ShapeError, ArgumentError, DTypeError } from "../../src/index.js";

function close(got: Tensor, want: number[], tol = 1e-12): void {
  const g = Array.from(got.toTypedArray());
  assert.equal(g.length, want.length, `length ${g.length}, expected ${want.length}`);
  g.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= tol, `[${i}]: ${v} vs ${want[i]}`));
}

test("array: dtypes, nesting, ndmin, options", () => {
  const a = np.array([[1, 2], [3, 4]]);
  assert.deepEqual(a.shape, [2, 2]);
  assert.equal(a.dtype, "float64");
  assert.equal(np.array([true, false]).dtype, "bool");
  assert.equal(np.array([1, 2], "int32").dtype, "int32");
  assert.equal(np.array([1.7, -1.7], { dtype: "int32" }).toArray().toString(), "1,-1");
  assert.equal(np.array(new Float32Array([1, 2])).dtype, "float32");
  const b = np.array([1, 2], { ndmin: 3 });
  assert.deepEqual(b.shape, [1, 1, 2]);
  assert.deepEqual(np.array([[1, 2]], { ndmin: 1 }).shape, [1, 2]);
  assert.throws(() => np.array([[1, 2], [3]]), ShapeError);
  assert.throws(() => np.array([1], "int64" as never), DTypeError);
});

test("array: copies a tensor; asarray does not", () => {
  const x = np.array([1, 2, 3]);
  const y = np.array(x);
  assert.notEqual(y, x);
  assert.notEqual(y.data, x.data);
  assert.deepEqual(y.toArray(), [1, 2, 3]);
  assert.equal(np.asarray(x), x);
  assert.equal(np.asarray(x, "float32").dtype, "float32");
  assert.equal(np.asarray([1, 2], { dtype: "int32" }).dtype, "int32");
});

test("array: lists of tensors, and of traced tensors, are differentiable", () => {
  const t = np.array([np.array(1.5), np.array(2.5)]);
  assert.deepEqual(t.toArray(), [1.5, 2.5]);
  const mixed = np.array([[np.array(1), 2], [3, np.array(4)]]);
  assert.deepEqual(mixed.toArray(), [[1, 2], [3, 4]]);
  // f(x) = sum([x, 2x, 5] * [1, 3, 7]) = 7x + 35, so f'(x) = 7.
  const f = (x: Tensor) => np.sum(np.multiply(np.array([x, np.multiply(x, 2), 5]), np.array([1, 3, 7])));
  assert.equal(grad(f)(np.array(0.3)).item(), 7);
  // Rows of traced vectors: the gradient of sum(array([v, v]) * w) is w summed over rows.
  const g = grad((v: Tensor) => np.sum(np.multiply(np.array([v, v]), np.array([[1, 2], [3, 4]]))))(np.array([0, 0]));
  assert.deepEqual(g.toArray(), [4, 6]);
  // The dtype applies to the stacked result (float32 keeps float32 gradients).
  const h = grad((x: Tensor) => np.sum(np.array([x, x], "float32")))(np.array(1, "float32"));
  assert.equal(h.dtype, "float32");
  assert.equal(h.item(), 2);
});

test("array: requiresGrad makes an imperative leaf", () => {
  const x = np.array([1, 2, 3], { requiresGrad: true });
  const y = np.sum(np.multiply(x, x));
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [2, 4, 6]);
});

test("zeros, ones, empty, full: shapes and dtypes", () => {
  assert.deepEqual(np.zeros(3).toArray(), [0, 0, 0]);
  assert.deepEqual(np.zeros([2, 0]).shape, [2, 0]);
  assert.equal(np.zeros([], "int32").ndim, 0);
  assert.equal(np.ones([2, 2], { dtype: "float32" }).dtype, "float32");
  assert.deepEqual(np.ones(2, "bool").toArray(), [true, true]);
  assert.deepEqual(np.empty([2]).toArray(), [0, 0]);
  assert.deepEqual(np.full([2, 2], 7).toArray(), [[7, 7], [7, 7]]);
  assert.equal(np.full(2, true).dtype, "bool");
  assert.deepEqual(np.full(3, 2.9, "int32").toArray(), [2, 2, 2]);
  assert.deepEqual(np.full([2, 2], [1, 2]).toArray(), [[1, 2], [1, 2]]);
  assert.equal(np.full([2], np.array(1.5, "float32")).dtype, "float32");
  assert.throws(() => np.full([2], [1, 2, 3]), ShapeError);
  assert.throws(() => np.zeros([2, -1]), ArgumentError);
  assert.throws(() => np.zeros(1.5), ArgumentError);
});

test("full is differentiable in a traced fill value", () => {
  // sum(full((2, 3), v)) = 6 v.
  assert.equal(grad((v: Tensor) => np.sum(np.full([2, 3], v)))(np.array(0.7)).item(), 6);
  // A row fill value: each entry appears in 4 rows.
  const g = grad((v: Tensor) => np.sum(np.full([4, 2], v)))(np.array([1, 2]));
  assert.deepEqual(g.toArray(), [4, 4]);
  const [, t] = jvp((v: Tensor) => np.full([3], v), [np.array(2)], [np.array(0.5)]);
  assert.deepEqual(t.toArray(), [0.5, 0.5, 0.5]);
});

test("zerosLike, onesLike, fullLike, emptyLike follow x's shape and dtype", () => {
  const x = np.array([[1, 2, 3]], "float32");
  assert.equal(np.zerosLike(x).dtype, "float32");
  assert.deepEqual(np.onesLike(x).toArray(), [[1, 1, 1]]);
  assert.deepEqual(np.fullLike(np.array([0, 1], "int32"), 7.9).toArray(), [7, 7]);
  assert.equal(np.fullLike(x, 2, "float64").dtype, "float64");
  assert.deepEqual(np.emptyLike(x).shape, [1, 3]);
  assert.equal(np.zerosLike([1, 2]).dtype, "float64");
  // Constant in x: the gradient is zero, of x's shape.
  const [, pull] = vjp((v: Tensor) => np.onesLike(v), np.array([1, 2]));
  assert.deepEqual((pull(np.array([5, 5]))[0] as Tensor).toArray(), [0, 0]);
});

test("arange: NumPy's length rule and dtypes", () => {
  const a = np.arange(5);
  assert.equal(a.dtype, "int32");
  assert.deepEqual(a.toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(np.arange(2, 5).toArray(), [2, 3, 4]);
  assert.deepEqual(np.arange(10, 0, -3).toArray(), [10, 7, 4, 1]);
  assert.deepEqual(np.arange(5, 1).toArray(), []);
  assert.deepEqual(np.arange(0).shape, [0]);
  const f = np.arange(0.5, 3);
  assert.equal(f.dtype, "float64");
  assert.deepEqual(f.toArray(), [0.5, 1.5, 2.5]);
  // ceil((2 - 1) / 0.3) = 4 values.
  close(np.arange(1, 2, 0.3), [1, 1.3, 1.6, 1.9], 1e-15);
  assert.equal(np.arange(0, 1, 0.1).size, 10);
  assert.equal(np.arange(3, "float32").dtype, "float32");
  assert.deepEqual(np.arange(1, 4, { dtype: "float64" }).toArray(), [1, 2, 3]);
  assert.deepEqual(np.arange(0, 6, 2, "float64").toArray(), [0, 2, 4]);
  assert.throws(() => np.arange(0, 1, 0), ArgumentError);
  assert.throws(() => np.arange(0, Infinity), ArgumentError);
});

test("linspace: values, endpoint, retstep, dtype, array ends and axis", () => {
  close(np.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
  close(np.linspace(0, 10, 5, { endpoint: false }), [0, 2, 4, 6, 8]);
  assert.equal(np.linspace(0, 1).size, 50);
  assert.equal(np.linspace(0, 1, { num: 3 }).size, 3);
  const [y, step] = np.linspace(0, 1, 5, { retstep: true });
  assert.equal(step, 0.25);
  assert.equal(y.size, 5);
  // An integer dtype rounds toward minus infinity: [-1, -0.5, 0, 0.5, 1] -> [-1, -1, 0, 0, 1].
  const i = np.linspace(-1, 1, 5, { dtype: "int32" });
  assert.equal(i.dtype, "int32");
  assert.deepEqual(i.toArray(), [-1, -1, 0, 0, 1]);
  assert.equal(np.linspace(np.array(0, "float32"), 1, 3).dtype, "float32");
  const m = np.linspace([0, 10], [1, 20], 3);
  assert.deepEqual(m.toArray(), [[0, 10], [0.5, 15], [1, 20]]);
  const m1 = np.linspace([0, 10], [1, 20], 3, { axis: -1 });
  assert.deepEqual(m1.toArray(), [[0, 0.5, 1], [10, 15, 20]]);
  assert.deepEqual(np.linspace(2, 3, 1).toArray(), [2]);
  assert.throws(() => np.linspace(0, 1, -1), ArgumentError);
});

test("linspace: derivatives in start and stop", () => {
  // sum over i of (1 - i/4) = 2.5 for start, and of i/4 = 2.5 for stop.
  const f = (a: Tensor, b: Tensor) => np.sum(np.linspace(a, b, 5));
  const [ga, gb] = grad(f, [0, 1])(np.array(1), np.array(3)) as Tensor[];
  assert.equal(ga.item(), 2.5);
  assert.equal(gb.item(), 2.5);
  // Weights i/div with endpoint false: div = 4, so stop's weights sum to (0+1+2+3)/4 = 1.5.
  assert.equal(grad((b: Tensor) => np.sum(np.linspace(0, b, 4, { endpoint: false })))(np.array(2)).item(), 1.5);
  // The step of retstep is differentiable too: d/db (b - a)/4 = 0.25.
  const s = grad((b: Tensor) => np.linspace(0, b, 5, { retstep: true })[1] as Tensor)(np.array(2));
  assert.equal(s.item(), 0.25);
});

test("eye and identity", () => {
  assert.deepEqual(np.eye(2).toArray(), [[1, 0], [0, 1]]);
  assert.deepEqual(np.eye(2, 3, 1).toArray(), [[0, 1, 0], [0, 0, 1]]);
  assert.deepEqual(np.eye(3, { k: -1 }).toArray(), [[0, 0, 0], [1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(np.eye(2, { M: 1 }).toArray(), [[1], [0]]);
  assert.deepEqual(np.eye(2, 2, 5).toArray(), [[0, 0], [0, 0]]);
  assert.equal(np.eye(2, "int32").dtype, "int32");
  assert.equal(np.identity(3).dtype, "float64");
  assert.deepEqual(np.identity(2, "bool").toArray(), [[true, false], [false, true]]);
  assert.throws(() => np.eye(-1), ArgumentError);
});

test("logspace and geomspace", () => {
  close(np.logspace(0, 3, 4), [1, 10, 100, 1000]);
  close(np.logspace(1, 2, 3, { base: 4 }), [4, 8, 16]);
  close(np.logspace(0, 2, 2, { endpoint: false }), [1, 10]);
  close(np.logspace([0, 1], [1, 2], 2, { base: [10, 2], axis: 1 }), [1, 10, 2, 4]);
  close(np.geomspace(1, 1000, 4), [1, 10, 100, 1000]);
  close(np.geomspace(-1, -1e4, 5), [-1, -10, -100, -1000, -1e4]);
  close(np.geomspace(2, 32, 4, { endpoint: false }), [2, 4, 8, 16]);
  assert.deepEqual(np.geomspace([1, -2], [100, -200], 3, { axis: 1 }).shape, [2, 3]);
  assert.equal(np.geomspace(np.array(1, "float32"), 8, 4).dtype, "float32");
  assert.throws(() => np.geomspace(0, 1, 3), ArgumentError);
  // geomspace(a, b, 3) = [a, sqrt(a b), b]: d/da of the sum is 1 + sqrt(b/a)/2, d/db is 1 + sqrt(a/b)/2.
  const [ga, gb] = grad((a: Tensor, b: Tensor) => np.sum(np.geomspace(a, b, 3)), [0, 1])(np.array(1), np.array(4)) as Tensor[];
  assert.ok(Math.abs(ga.item() - 2) < 1e-12);
  assert.ok(Math.abs(gb.item() - 1.25) < 1e-12);
  // logspace(0, s, 3) = [1, 10^(s/2), 10^s]: the derivative is ln 10 (10^(s/2) / 2 + 10^s).
  const gs = grad((s: Tensor) => np.sum(np.logspace(0, s, 3)))(np.array(2)).item();
  assert.ok(Math.abs(gs - Math.LN10 * (10 / 2 + 100)) < 1e-10);
});

test("composite creation functions pass checkGrads to second order", () => {
  const opts = { order: 2, modes: ["fwd", "rev"] as ("fwd" | "rev")[] };
  checkGrads((v: Tensor) => np.full([2, 3], v), opts)(np.array([0.3, -0.2, 0.7]));
  checkGrads((a: Tensor, b: Tensor) => np.array([[a, b], [np.multiply(a, b), 2]]), opts)(np.array(0.4), np.array(-1.3));
  checkGrads((a: Tensor, b: Tensor) => np.geomspace(a, b, 4), opts)(np.array([1.5, 2]), np.array(5));
  checkGrads((a: Tensor, b: Tensor) => np.logspace(a, b, 4, { base: 3 }), opts)(np.array([0.2, -0.1]), np.array(0.5));
});

test("the *Like functions take NumPy's shape override", () => {
  const x = np.zeros([2, 3], "float32");
  const z = np.zerosLike(x, { shape: [4] });
  assert.deepEqual(z.shape, [4]);
  assert.equal(z.dtype, "float32");
  assert.deepEqual(np.onesLike(x, { shape: 2, dtype: "int32" }).toArray(), [1, 1]);
  assert.deepEqual(np.fullLike(x, 3, { shape: [1, 2] }).toArray(), [[3, 3]]);
  assert.deepEqual(np.emptyLike(x, { shape: [] }).shape, []);
});

test("array of tensors keeps their common dtype, as NumPy", () => {
  const f = np.array([1, 2], "float32");
  assert.equal(np.array([f, f]).dtype, "float32");
  assert.equal(np.array([f, [1, 2]]).dtype, "float64");
  assert.equal(np.array([np.array(1, "int32"), np.array(2, "int32")]).dtype, "int32");
});

test("linspace retstep with one sample reports a NaN step", () => {
  const [y, step] = np.linspace(0, 1, 1, { retstep: true });
  assert.deepEqual(y.toArray(), [0]);
  assert.ok(Number.isNaN(step as number));
});
