// Reductions: NumPy semantics (axes, keepdims, dtypes, empty selections), conventions, kernels.
// Expected values are worked out by hand or by plain JS loops written here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, hessian, jvp, jacobian, Tensor, ShapeError, ArgumentError } from "../../src/index.js";
import { rand } from "../helpers/data.js";

const arr = (t: Tensor) => Array.from(t.toTypedArray());
function close(got: Tensor | number, want: number[] | number, tol = 1e-12): void {
  const g = typeof got === "number" ? [got] : arr(got);
  const w = typeof want === "number" ? [want] : want;
  assert.equal(g.length, w.length, `length ${g.length} vs ${w.length}`);
  for (let i = 0; i < w.length; i++)
    assert.ok(Object.is(g[i], w[i]) || Math.abs(g[i] - w[i]) <= tol * (1 + Math.abs(w[i])), `[${i}]: got ${g[i]}, want ${w[i]}`);
}

const X = np.array([[1, -2, 3], [4, 5, -6]]);

test("axis forms: null, number, negative, list, keepdims", () => {
  close(np.sum(X), 5);
  close(np.sum(X, 0), [5, 3, -3]);
  close(np.sum(X, -1), [2, 3]);
  assert.deepEqual(np.sum(X, [0, 1], true).shape, [1, 1]);
  assert.deepEqual(np.mean(X, { axis: 1, keepdims: true }).shape, [2, 1]);
  close(np.mean(X, 1), [2 / 3, 1]);
  close(np.prod(X, 0), [4, -10, -18]);
  close(np.max(X, -1), [3, 5]);
  close(np.min(X, 0), [1, -2, -6]);
  close(np.amax(X), 5);
  close(np.amin(X), -6);
  assert.deepEqual(np.max(X, 0, { keepdims: true }).shape, [1, 3]);
  const A = np.reshape(np.arange(24), [2, 3, 4]);
  // Σ over i < 2, k < 4 of 12i + 4j + k = 4·12 + 8·4j + 2·(0+1+2+3) = 60 + 32j.
  close(np.sum(A, [0, -1]), [60, 92, 124]);
});

test("bad axes name the operation", () => {
  assert.throws(() => np.sum(X, 2), (e: Error) => e instanceof ShapeError && /sum/.test(e.message) && /out of bounds/.test(e.message));
  assert.throws(() => np.mean(X, [0, 0]), (e: Error) => e instanceof ShapeError && /mean: repeated axis/.test(e.message));
  assert.throws(() => np.argmax(X, [0, 1] as never), (e: Error) => e instanceof ArgumentError && /argmax/.test(e.message));
  assert.throws(() => np.cumsum(X, 5), (e: Error) => e instanceof ShapeError && /cumsum/.test(e.message));
  assert.throws(() => np.var(X, { ddof: Number.NaN }), (e: Error) => e instanceof ArgumentError && /var: ddof/.test(e.message));
});

test("dtype rules", () => {
  const f32 = np.array([1.5, 2.5, -1], "float32");
  for (const r of [np.sum(f32), np.mean(f32), np.prod(f32), np.var(f32), np.std(f32), np.max(f32), np.min(f32), np.cumsum(f32), np.cumprod(f32)])
    assert.equal(r.dtype, "float32");
  const i32 = np.array([1, 2, 3], "int32");
  assert.equal(np.sum(i32).dtype, "int32");
  assert.equal(np.prod(i32).dtype, "int32");
  assert.equal(np.cumsum(i32).dtype, "int32");
  assert.equal(np.max(i32).dtype, "int32");
  assert.equal(np.mean(i32).dtype, "float64");
  close(np.mean(i32), 2);
  close(np.var(i32), 2 / 3);
  const b = np.array([true, false, true]);
  assert.equal(np.sum(b).dtype, "int32");
  close(np.sum(b), 2);
  close(np.cumsum(b), [1, 1, 2]);
  assert.equal(np.max(b).dtype, "bool");
  assert.equal(np.mean(b).dtype, "float64");
  close(np.mean(b), 2 / 3);
  assert.equal(np.argmax(X).dtype, "int32");
  assert.equal(np.all(X).dtype, "bool");
  assert.equal(np.countNonzero(X).dtype, "int32");
  // dtype= casts before accumulating.
  assert.equal(np.sum(f32, { dtype: "float64" }).dtype, "float64");
  assert.equal(np.mean(X, { dtype: "float32" }).dtype, "float32");
  assert.equal(np.cumsum(X, { axis: 1, dtype: "int32" }).dtype, "int32");
  // int32 products wrap like NumPy's fixed-width integers: 65536² = 2³² ≡ 0.
  close(np.prod(np.array([65536, 65536, 3], "int32")), 0);
});

test("float32 sums stay accurate (pairwise / blocked accumulation)", () => {
  const n = 1_000_000;
  const x = np.full([n], 0.1, "float32");
  const want = n * Math.fround(0.1);
  const s = np.sum(x).item();
  assert.ok(Math.abs(s - want) / want < 1e-6, `sum ${s} vs ${want}`);
  // Column sums (leading axis reduced, read row by row).
  const cols = np.sum(np.reshape(x, [250_000, 4]), 0);
  assert.equal(cols.dtype, "float32");
  for (const v of arr(cols)) assert.ok(Math.abs(v - want / 4) / (want / 4) < 1e-6, `column sum ${v}`);
  const m = np.mean(np.reshape(x, [1000, 1000]), 1);
  for (const v of arr(m)) assert.ok(Math.abs(v - Math.fround(0.1)) < 1e-7);
});

/** Reference reduction by plain loops over C-order data. */
function naive(data: Float64Array, shape: number[], axes: number[], op: (acc: number, v: number) => number, init: number): number[] {
  const nd = shape.length;
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outSize = outShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(outSize).fill(init);
  const idx = new Array<number>(nd).fill(0);
  for (let k = 0; k < data.length; k++) {
    let o = 0;
    for (let d = 0; d < nd; d++) o = o * outShape[d] + (axes.includes(d) ? 0 : idx[d]);
    out[o] = op(out[o], data[k]);
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

test("strided and transposed inputs reduce like their contiguous copies", () => {
  const base = rand([6, 5, 7], 3);
  const views: Tensor[] = [base, np.transpose(base, [2, 0, 1]), np.transpose(base, [1, 2, 0])];
  for (const v of views) {
    const data = new Float64Array(v.toTypedArray());
    const shape = v.shape.slice();
    for (const axes of [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]]) {
      close(np.sum(v, axes), naive(data, shape, axes, (a, b) => a + b, 0), 1e-12);
      close(np.max(v, axes), naive(data, shape, axes, Math.max, -Infinity));
      close(np.min(v, axes), naive(data, shape, axes, Math.min, Infinity));
      close(np.prod(v, axes), naive(data, shape, axes, (a, b) => a * b, 1), 1e-12);
    }
  }
});

test("argmax/argmin: first occurrence, NaN first, flattened index, keepdims", () => {
  const t = np.transpose(np.array([[1, 9, 9], [4, 2, -7]])); // [[1,4],[9,2],[9,-7]]
  close(np.argmax(t), 2);
  close(np.argmax(t, 0), [1, 0]);
  close(np.argmin(t, 1), [0, 1, 1]);
  assert.deepEqual(np.argmax(t, null, true).shape, [1, 1]);
  assert.deepEqual(np.argmax(t, { axis: -1, keepdims: true }).shape, [3, 1]);
  close(np.argmax(np.array([1, NaN, 5, NaN])), 1);
  close(np.argmin(np.array([1, 0, NaN])), 2);
  close(np.max(np.array([1, NaN, 5])), NaN);
  assert.throws(() => np.argmax(np.zeros([0])), (e: Error) => e instanceof ShapeError && /argmax.*empty/.test(e.message));
});

test("empty selections", () => {
  const e = np.zeros([0, 3]);
  close(np.sum(e), 0);
  close(np.sum(e, 0), [0, 0, 0]);
  close(np.prod(e, 0), [1, 1, 1]);
  assert.ok(Number.isNaN(np.mean(e).item()));
  assert.equal(np.all(e).item(), 1);
  assert.equal(np.any(e).item(), 0);
  close(np.countNonzero(e), 0);
  assert.throws(() => np.max(e), (e2: Error) => e2 instanceof ShapeError && /max: zero-size array/.test(e2.message) && /initial/.test(e2.message));
  assert.throws(() => np.min(e, 0), (e2: Error) => e2 instanceof ShapeError && /min/.test(e2.message));
  assert.deepEqual(np.max(e, 1).shape, [0]);
  close(np.max(e, { axis: 0, initial: -5 }), [-5, -5, -5]);
  close(np.cumsum(e), []);
});

test("initial", () => {
  close(np.max(X, { axis: 1, initial: 4 }), [4, 5]);
  close(np.min(X, { initial: -10 }), -10);
  close(np.sum(X, { axis: 0, initial: 10 }), [15, 13, 7]);
  close(np.prod(np.array([2, 3]), { initial: 2 }), 12);
  // An initial that wins leaves no gradient for the inputs; a tie with it still shares.
  close(grad((x: Tensor) => np.max(x, { initial: 10 }))(np.array([1, 2])), [0, 0]);
  close(grad((x: Tensor) => np.sum(np.max(x, { axis: 1, initial: 4 })))(X), [0, 0, 0, 0, 1, 0]);
});

test("ties share the gradient of max/min equally", () => {
  close(grad((x: Tensor) => np.max(x))(np.array([1, 3, 3])), [0, 0.5, 0.5]);
  close(grad((x: Tensor) => np.sum(np.min(x, 0)))(np.array([[2, 1], [2, 5], [2, 1]])), [1 / 3, 0.5, 1 / 3, 0, 1 / 3, 0.5]);
  const [, t] = jvp((x: Tensor) => np.max(x), [np.array([4, 4, 1])], [np.array([1, 3, 7])]);
  close(t as Tensor, 2);
});

test("std and var conventions and values", () => {
  close(np.std(np.array([2, 4, 4, 4, 5, 5, 7, 9])), 2);
  close(np.var(np.array([1, 2, 3, 4]), { ddof: 1 }), 5 / 3);
  close(np.var(np.array([1, 2, 3, 4]), { correction: 1 }), 5 / 3);
  close(np.std(np.array([[1, 3], [5, 9]]), 1), [1, 2]);
  close(np.std(3.5), 0);
  close(grad((x: Tensor) => np.std(x))(np.array([3.5])), [0]);
  close(grad((x: Tensor) => np.std(x))(np.array([2, 2, 2])), [0, 0, 0]);
  close(grad((x: Tensor) => np.sum(np.std(x, 0)))(np.array([[1, 2, 3]])), [0, 0, 0]);
  // d std/dx = (x - mean) / (N std): x = [1, 3], mean 2, std 1.
  close(grad((x: Tensor) => np.std(x))(np.array([1, 3])), [-0.5, 0.5]);
  // N - ddof = 0: NumPy divides by 0.
  assert.equal(np.var(np.array([1, 2]), { ddof: 2 }).item(), Infinity);
  // Two-pass variance is exact where E[x²] - E[x]² cancels catastrophically.
  close(np.var(np.array([1e9 + 1, 1e9 + 2, 1e9 + 3])), 2 / 3, 1e-9);
});

test("prod's derivatives are exact at zeros, to second order", () => {
  close(grad((x: Tensor) => np.prod(x))(np.array([0, 2, 3])), [6, 0, 0]);
  close(grad((x: Tensor) => np.prod(x))(np.array([0, 2, 0])), [0, 0, 0]);
  // ∂²(xyz)/∂xi∂xj = the third variable: at (0, 2, 3).
  close(hessian((x: Tensor) => np.prod(x))(np.array([0, 2, 3])) as Tensor, [0, 3, 2, 3, 0, 0, 2, 0, 0]);
  close(grad((x: Tensor) => np.sum(np.prod(x, 1)))(np.array([[1, 0], [2, 5]])), [0, 1, 5, 2]);
});

test("cumsum and cumprod", () => {
  close(np.cumsum(X), [1, -1, 2, 6, 11, 5]);
  close(np.cumsum(X, 0), [1, -2, 3, 5, 3, -3]);
  close(np.cumsum(X, -1), [1, -1, 2, 4, 9, 3]);
  close(np.cumprod(X, 1), [1, -2, -6, 4, 20, -120]);
  close(np.cumprod(np.transpose(X), 0), [1, 4, -2, 20, -6, -120]);
  close(np.cumsum(2), [2]);
  // y = cumprod([2, 0, 3]) = [2, 0, 0]; Σy = x0 + x0x1 + x0x1x2.
  close(grad((x: Tensor) => np.sum(np.cumprod(x)))(np.array([2, 0, 3])), [1, 8, 0]);
  close(hessian((x: Tensor) => np.sum(np.cumprod(x)))(np.array([2, 0, 3])) as Tensor, [0, 4, 0, 4, 0, 2, 0, 2, 0]);
  // The Jacobian of cumsum is lower triangular ones.
  close(jacobian((x: Tensor) => np.cumsum(x))(np.array([1, 2, 3])) as Tensor, [1, 0, 0, 1, 1, 0, 1, 1, 1]);
  assert.equal(np.cumsum(np.array([0.1, 0.2], "float32"), 0).dtype, "float32");
});

test("logical reductions", () => {
  const m = np.array([[0, 1, NaN], [0, 0, 2]]);
  assert.deepEqual(np.any(m, 0).toArray(), [false, true, true]);
  assert.deepEqual(np.all(m, 1, true).toArray(), [[false], [false]]);
  assert.deepEqual(np.all(np.array([NaN, -1])).toArray(), true);
  close(np.countNonzero(m), 3);
  close(np.countNonzero(m, { axis: 0 }), [0, 1, 2]);
  assert.deepEqual(np.countNonzero(m, { axis: 1, keepdims: true }).shape, [2, 1]);
});

test("nansum, nanmean, nanprod", () => {
  const m = np.array([[1, NaN, 3], [NaN, NaN, 4]]);
  close(np.nansum(m), 8);
  close(np.nansum(m, 1), [4, 4]);
  close(np.nanmean(m, 1), [2, 4]);
  close(np.nanprod(m, 0), [1, 1, 12]);
  assert.ok(Number.isNaN(np.nanmean(np.array([NaN, NaN])).item()));
  close(grad((x: Tensor) => np.nanmean(x))(np.array([1, NaN, 3])), [0.5, 0, 0.5]);
});

test("Tensor methods", () => {
  close(X.mean(), 5 / 6);
  close(X.prod(1), [-6, -120]);
  close(X.var(0), [2.25, 12.25, 20.25]);
  close(X.std(0, true), [1.5, 3.5, 4.5]);
  close(X.max(), 5);
  close(X.min(1), [-2, -6]);
  close(X.cumsum(1), [1, -1, 2, 4, 9, 3]);
  close(X.cumprod(), [1, -2, -6, -24, -120, 720]);
  close(X.argmax(1), [2, 1]);
  close(X.argmin(), 5);
  assert.equal(X.all().item(), 1);
  assert.equal(np.array([0, 0]).any().item(), 0);
});

test("gradients of float32 inputs are float32 and shaped like the input", () => {
  const x = np.array([[1, 2], [3, 4]], "float32");
  for (const f of [(a: Tensor) => np.sum(np.prod(a, 0)), (a: Tensor) => np.std(a), (a: Tensor) => np.max(a), (a: Tensor) => np.sum(np.cumprod(a, 1))]) {
    const g = grad(f)(x) as Tensor;
    assert.equal(g.dtype, "float32");
    assert.deepEqual(g.shape, [2, 2]);
  }
});
