// Semantics of the indexing family: values worked out by hand from NumPy's documented rules,
// views versus copies, dtypes, errors, functional updates and derivatives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, Tensor, grad, vjp, jvp, ShapeError, ArgumentError, DTypeError } from "../../src/index.js";

/** 0, 1, ..., n-1 as float64 (or `dtype`), reshaped. */
function iota(shape: number[], dtype: "float64" | "float32" | "int32" = "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return np.array(Array.from({ length: n }, (_, i) => i), dtype).reshape(shape);
}
const flat = (t: Tensor): number[] => Array.from(t.toTypedArray());
const sharesData = (a: Tensor, b: Tensor): boolean => a.data !== null && a.data === b.data;
const i32 = (v: number[] | number[][]): Tensor => np.array(v, "int32");

test("get: integers and negative integers drop axes", () => {
  const x = iota([3, 4]);
  assert.deepEqual(x.get(1).toArray(), [4, 5, 6, 7]);
  assert.deepEqual(x.get(-1).toArray(), [8, 9, 10, 11]);
  assert.equal(x.get(2, -3).item(), 9);
  assert.deepEqual(x.get(1, -1).shape, []);
  assert.deepEqual(x.get(":", 2).toArray(), [2, 6, 10]);
});

test("get: slice strings follow Python's slice rules", () => {
  const v = iota([6]);
  assert.deepEqual(flat(v.get("1:3")), [1, 2]);
  assert.deepEqual(flat(v.get("::-1")), [5, 4, 3, 2, 1, 0]);
  assert.deepEqual(flat(v.get("4:0:-2")), [4, 2]);
  assert.deepEqual(flat(v.get("2:")), [2, 3, 4, 5]);
  assert.deepEqual(flat(v.get("-3:")), [3, 4, 5]);
  assert.deepEqual(flat(v.get("::2")), [0, 2, 4]);
  assert.deepEqual(flat(v.get("1:-1")), [1, 2, 3, 4]);
  assert.deepEqual(flat(v.get(":-10")), []);
  assert.deepEqual(flat(v.get("10:")), []);
  assert.deepEqual(flat(v.get("-100:2")), [0, 1]);
  assert.deepEqual(flat(v.get("5:-100:-2")), [5, 3, 1]);
  assert.deepEqual(flat(v.get(":3:-1")), [5, 4]);
  assert.deepEqual(flat(v.get(" 1 : 5 : 3 ")), [1, 4]);
});

test("get: basic indexing returns a view (no copy)", () => {
  const x = iota([4, 5]);
  for (const y of [x.get(1), x.get("::-1", "1:4:2"), x.get(null, "...", 2), x.get("...")]) assert.ok(sharesData(y, x));
  const r = x.get("::-2", "::-3");
  assert.deepEqual(r.toArray(), [[19, 16], [9, 6]]);
  assert.deepEqual(r.strides, [-10, -3]);
  // Advanced indexing copies.
  assert.ok(!sharesData(x.get([0, 1]), x));
});

test("get: null adds axes and '...' fills the remaining ones", () => {
  const x = iota([2, 3, 4]);
  assert.deepEqual(x.get(null).shape, [1, 2, 3, 4]);
  assert.deepEqual(x.get("...", null).shape, [2, 3, 4, 1]);
  assert.deepEqual(x.get(":", null, "...", null, 1).shape, [2, 1, 3, 1]);
  assert.deepEqual(x.get("...", 1).toArray(), [[1, 5, 9], [13, 17, 21]]);
  assert.deepEqual(x.get(1, "...", 3).toArray(), [15, 19, 23]);
  assert.deepEqual(x.get().shape, [2, 3, 4]);
  const s = np.array(7);
  assert.equal(s.get("...").item(), 7);
  assert.deepEqual(s.get(null).shape, [1]);
  assert.deepEqual(s.get(null, null).toArray(), [[7]]);
});

test("get: integer arrays gather, with repeats and nested shapes", () => {
  const v = iota([6]).mul(10);
  assert.deepEqual(flat(v.get([3, 3, 0, -1])), [30, 30, 0, 50]);
  const g = v.get([[0, 1], [5, 5]]);
  assert.deepEqual(g.shape, [2, 2]);
  assert.deepEqual(g.toArray(), [[0, 10], [50, 50]]);
  assert.deepEqual(v.get(i32([2, 4])).toArray(), [20, 40]);
  assert.deepEqual(v.get([]).shape, [0]);
  const x = iota([3, 4]);
  assert.deepEqual(x.get([2, 0]).toArray(), [[8, 9, 10, 11], [0, 1, 2, 3]]);
  // Pairs of arrays pick elements: x[[0, 2], [1, 3]] = [x[0,1], x[2,3]].
  assert.deepEqual(x.get([0, 2], [1, 3]).toArray(), [1, 11]);
  // Arrays broadcast together: rows (2,1) with columns (2,) give a (2,2) grid.
  assert.deepEqual(x.get([[0], [2]], [1, 3]).toArray(), [[1, 3], [9, 11]]);
});

test("get: where advanced-index axes go (NumPy's placement rule)", () => {
  const x = iota([2, 3, 4]);
  // Adjacent advanced indices replace their axes in place.
  assert.deepEqual(x.get(":", [0, 2], [1, 3]).shape, [2, 2]);
  assert.deepEqual(x.get(":", [0, 2], [1, 3]).toArray(), [[1, 11], [13, 23]]);
  assert.deepEqual(x.get(":", [[0, 1, 2]]).shape, [2, 1, 3, 4]);
  // Split by a slice: the broadcast index axes go first.
  const s = x.get([0, 1], ":", [0, 3]);
  assert.deepEqual(s.shape, [2, 3]);
  assert.deepEqual(s.toArray(), [[0, 4, 8], [15, 19, 23]]);
  // An integer counts as an advanced index when an array is present: x[1, :, [0, 2]] has shape (2, 3).
  const t = x.get(1, ":", [0, 2]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.toArray(), [[12, 16, 20], [14, 18, 22]]);
  // Integer next to an array: in place.
  assert.deepEqual(x.get(":", 1, [0, 2]).toArray(), [[4, 6], [16, 18]]);
  // A new axis between arrays also splits them.
  assert.deepEqual(x.get([0, 1], null, [0, 1]).shape, [2, 1, 4]);
  // The ellipsis splits too, and a slice before an adjacent pair keeps them in place.
  assert.deepEqual(x.get([1], "...", [2]).shape, [1, 3]);
  assert.deepEqual(x.get("1:", [2, 0], 3).toArray(), [[23, 15]]);
});

test("get: masks select in C order, over one or several axes", () => {
  const x = iota([2, 3]);
  const m = np.array([[true, false, true], [false, true, true]]);
  assert.deepEqual(x.get(m).toArray(), [0, 2, 4, 5]);
  assert.deepEqual(x.get([true, false]).toArray(), [[0, 1, 2]]);
  assert.deepEqual(x.get(":", np.array([false, true, true])).toArray(), [[1, 2], [4, 5]]);
  // A mask broadcasts with an array like its nonzero() indices: x[[True, True], [2, 0]] -> [x[0,2], x[1,0]].
  assert.deepEqual(x.get([true, true], [2, 0]).toArray(), [2, 3]);
  // 0-d masks add an axis of length 1 or 0.
  assert.deepEqual(x.get(true).shape, [1, 2, 3]);
  assert.deepEqual(x.get(false).shape, [0, 2, 3]);
  assert.deepEqual(np.array(4).get(true).toArray(), [4]);
  assert.deepEqual(x.get(np.array([[false, false, false], [false, false, false]])).shape, [0]);
});

test("get: dtypes are kept (float32, int32, bool)", () => {
  const f = iota([3, 2], "float32");
  assert.equal(f.get(1).dtype, "float32");
  assert.equal(f.get([0, 0]).dtype, "float32");
  const n = iota([5], "int32");
  assert.equal(n.get("::2").dtype, "int32");
  assert.deepEqual(n.get([4, 1]).toArray(), [4, 1]);
  const b = np.array([true, false, true]);
  assert.deepEqual(b.get([2, 1]).toArray(), [true, false]);
  const [, back] = vjp((t: Tensor) => t.get([1, 1], 0), f);
  const [g] = back(np.array([1, 2], "float32"));
  assert.equal(g.dtype, "float32");
  assert.deepEqual(g.toArray(), [[0, 0], [3, 0], [0, 0]]);
});

test("get: errors name the axis, its size and the index", () => {
  const x = iota([3, 4]);
  assert.throws(() => x.get(3), (e: Error) => e instanceof ShapeError && /index 3 is out of bounds for axis 0 with size 3/.test(e.message));
  assert.throws(() => x.get(0, -5), (e: Error) => e instanceof ShapeError && /index -5 .*axis 1 with size 4/.test(e.message));
  assert.throws(() => x.get(":", [0, 4]), (e: Error) => e instanceof ShapeError && /index 4 .*axis 1 with size 4/.test(e.message));
  assert.throws(() => x.get(0, 0, 0), (e: Error) => e instanceof ShapeError && /too many indices.*2-dimensional.*3 were indexed/.test(e.message));
  assert.throws(() => x.get("...", "..."), ShapeError);
  assert.throws(() => x.get([true, false]), (e: Error) => e instanceof ShapeError && /boolean index.*axis 0.*size of axis is 3.*boolean axis is 2/.test(e.message));
  assert.throws(() => x.get([0, 1], [0, 1, 2]), (e: Error) => e instanceof ShapeError && /broadcast/.test(e.message));
  assert.throws(() => x.get(1.5), DTypeError);
  assert.throws(() => x.get([0.5]), DTypeError);
  assert.throws(() => x.get(np.array([0, 1])), (e: Error) => e instanceof DTypeError && /int32/.test(e.message));
  assert.throws(() => x.get("::0"), (e: Error) => e instanceof ArgumentError && /step cannot be zero/.test(e.message));
  assert.throws(() => x.get("a:b"), ArgumentError);
  assert.throws(() => x.get("1"), ArgumentError);
});

test("get: gradients scatter back; repeated indices accumulate", () => {
  const v = np.array([1, 2, 3, 4]);
  const g = grad((t: Tensor) => np.sum(t.get([0, 0, 3, 0])))(v);
  assert.deepEqual(flat(g), [3, 0, 0, 1]);
  const g2 = grad((t: Tensor) => np.sum(np.multiply(t.get("::-2"), t.get("::-2"))))(v);
  assert.deepEqual(flat(g2), [0, 4, 0, 8]);
  const x = iota([2, 3]);
  const gm = grad((t: Tensor) => np.sum(t.get(np.array([[true, false, true], [false, false, true]]))))(x);
  assert.deepEqual(gm.toArray(), [[1, 0, 1], [0, 0, 1]]);
  // Second derivative through a gather: d²/dv² sum(v[i]^3) = 6 v[i] * multiplicity.
  const h = grad((t: Tensor) => np.sum(grad((u: Tensor) => np.sum(np.power(u.get([1, 1, 2]), 3)))(t)))(v);
  assert.deepEqual(flat(h), [0, 24, 18, 0]);
  const [, tan] = jvp((t: Tensor) => t.get(1, null), [x], [np.ones([2, 3])]);
  assert.deepEqual(tan.toArray(), [[1, 1, 1]]);
});

test("at().set: replaces, broadcasts the value, last write wins with its gradient", () => {
  const x = iota([2, 3]);
  assert.deepEqual(x.at(0).set(9).toArray(), [[9, 9, 9], [3, 4, 5]]);
  assert.deepEqual(x.at(":", 1).set([7, 8]).toArray(), [[0, 7, 2], [3, 8, 5]]);
  assert.deepEqual(x.toArray(), [[0, 1, 2], [3, 4, 5]], "the original is unchanged");
  const v = np.array([1, 2, 3]);
  assert.deepEqual(flat(v.at([0, 0, 2]).set([10, 20, 30])), [20, 2, 30]);
  const [, back] = vjp((a: Tensor, b: Tensor) => a.at([0, 0, 2]).set(b), v, np.array([10, 20, 30]));
  const [ga, gb] = back(np.array([5, 6, 7]));
  assert.deepEqual(flat(ga), [0, 6, 0]);
  assert.deepEqual(flat(gb), [0, 5, 7]);
  // The value is cast to x's dtype, and its gradient keeps the value's own dtype and shape.
  assert.deepEqual(iota([3], "int32").at(1).set(2.7).toArray(), [0, 2, 2]);
  const [, b2] = vjp((u: Tensor) => x.at(":", "1:").set(u), np.array([1, 2], "float32"));
  const [gu] = b2(np.ones([2, 3]));
  assert.equal(gu.dtype, "float32");
  assert.deepEqual(flat(gu), [2, 2]);
  assert.throws(() => x.at(0).set([1, 2]), (e: Error) => e instanceof ShapeError && /set.*\(2,\).*\(3,\)/.test(e.message));
  assert.deepEqual(x.at(0).set([[1, 2, 3]]).toArray(), [[1, 2, 3], [3, 4, 5]]);
});

test("at().add and at().mul: repeated indices apply repeatedly", () => {
  const v = np.array([1, 2, 3]);
  assert.deepEqual(flat(v.at([0, 0, 2]).add([10, 20, 30])), [31, 2, 33]);
  assert.deepEqual(flat(v.at([0, 0, 2]).mul([10, 20, 30])), [200, 2, 90]);
  assert.deepEqual(flat(v.at("1:").add(1)), [1, 3, 4]);
  // Bool addition is logical or, even for repeated indices.
  assert.deepEqual(np.array([true, false, false]).at([1, 1]).add(true).toArray(), [true, true, false]);
  const [, back] = vjp((a: Tensor, b: Tensor) => a.at([0, 0, 2]).mul(b), v, np.array([10, 20, 30]));
  const [ga, gb] = back(np.array([1, 1, 1]));
  // out[0] = a0 * b0 * b1: d/da0 = 200, d/db0 = a0 * b1 = 20, d/db1 = a0 * b0 = 10; out[2] = a2 * b2.
  assert.deepEqual(flat(ga), [200, 1, 30]);
  assert.deepEqual(flat(gb), [20, 10, 3]);
  // Zeros in the value still give the right gradient (no division).
  const [, b0] = vjp((b: Tensor) => v.at([1, 1]).mul(b), np.array([0, 5]));
  assert.deepEqual(flat(b0(np.array([1, 1, 1]))[0]), [10, 0]);
  const [, badd] = vjp((b: Tensor) => v.at([2, 2, 2]).add(b), np.array([4]));
  assert.deepEqual(flat(badd(np.array([1, 1, 2]))[0]), [6]);
  assert.deepEqual(v.at(1).get().item(), 2);
});

test("take: axis, flattening, scalars and modes", () => {
  const x = iota([2, 3]);
  assert.deepEqual(np.take(x, [5, 0]).toArray(), [5, 0]);
  assert.deepEqual(np.take(x, [2, 0], 1).toArray(), [[2, 0], [5, 3]]);
  assert.deepEqual(np.take(x, [[1, 1]], { axis: 0 }).shape, [1, 2, 3]);
  assert.deepEqual(np.take(x, 1, -1).toArray(), [1, 4]);
  assert.deepEqual(np.take(x, [4, -1], 1, { mode: "wrap" }).toArray(), [[1, 2], [4, 5]]);
  assert.deepEqual(np.take(x, [7, -2], { axis: 1, mode: "clip" }).toArray(), [[2, 0], [5, 3]]);
  assert.deepEqual(x.take([1], 0).toArray(), [[3, 4, 5]]);
  assert.throws(() => np.take(x, [3], 1), ShapeError);
  assert.throws(() => np.take(x, [0], 2), ShapeError);
  const g = grad((t: Tensor) => np.sum(np.take(t, [1, 1, 4])))(x);
  assert.deepEqual(g.toArray(), [[0, 2, 0], [0, 1, 0]]);
});

test("takeAlongAxis and putAlongAxis", () => {
  const x = np.array([[10, 30, 20], [60, 40, 50]]);
  const order = i32([[0, 2, 1], [1, 2, 0]]);
  assert.deepEqual(np.takeAlongAxis(x, order, 1).toArray(), [[10, 20, 30], [40, 50, 60]]);
  assert.deepEqual(np.takeAlongAxis(x, i32([[1, 0, 0]]), 0).toArray(), [[60, 30, 20]]);
  assert.deepEqual(np.takeAlongAxis(x, i32([5, 0]), null).toArray(), [50, 10]);
  assert.deepEqual(np.takeAlongAxis(x, i32([[2], [0]])).toArray(), [[20], [60]]);
  assert.throws(() => np.takeAlongAxis(x, i32([0, 1]), 1), ShapeError);
  assert.deepEqual(np.putAlongAxis(x, i32([[1], [2]]), 0, 1).toArray(), [[10, 0, 20], [60, 40, 0]]);
  assert.deepEqual(np.putAlongAxis(x, i32([0, 5]), [1, 2], null).toArray(), [[1, 30, 20], [60, 40, 2]]);
  const g = grad((t: Tensor) => np.sum(np.takeAlongAxis(t, i32([[0, 0], [2, 1]]), 1)))(x);
  assert.deepEqual(g.toArray(), [[2, 0, 0], [0, 1, 1]]);
});

test("compress and extract", () => {
  const x = iota([3, 2]);
  assert.deepEqual(np.compress([false, true, true], x, 0).toArray(), [[2, 3], [4, 5]]);
  assert.deepEqual(np.compress([true, false], x, 1).toArray(), [[0], [2], [4]]);
  assert.deepEqual(np.compress([false, true], x).toArray(), [1]);
  assert.deepEqual(np.compress([true], x, { axis: 0 }).toArray(), [[0, 1]]);
  assert.throws(() => np.compress([false, false, false, true], x, 0), ShapeError);
  assert.deepEqual(x.compress([true, false, true], 0).toArray(), [[0, 1], [4, 5]]);
  assert.deepEqual(np.extract(np.array([[1, 0], [0, 2], [3, 0]]), x).toArray(), [0, 3, 4]);
});

test("nonzero, argwhere, flatnonzero: int32 indices in C order", () => {
  const x = np.array([[0, 3, 0], [4, 0, 5]]);
  const [r, c] = np.nonzero(x);
  assert.equal(r.dtype, "int32");
  assert.deepEqual(r.toArray(), [0, 1, 1]);
  assert.deepEqual(c.toArray(), [1, 0, 2]);
  assert.deepEqual(x.nonzero().length, 2);
  assert.deepEqual(np.argwhere(x).toArray(), [[0, 1], [1, 0], [1, 2]]);
  assert.deepEqual(np.flatnonzero(x).toArray(), [1, 3, 5]);
  assert.deepEqual(np.flatnonzero(np.array([NaN, 0])).toArray(), [0]);
  assert.deepEqual(np.argwhere(np.array(2)).shape, [1, 0]);
  assert.deepEqual(np.argwhere(np.array(0)).shape, [0, 0]);
  assert.deepEqual(np.nonzero(np.zeros([2, 2]))[0].shape, [0]);
  assert.throws(() => np.nonzero(np.array(1)), ShapeError);
  // Constants under transforms: usable inside a differentiated function.
  const g = grad((t: Tensor) => np.sum(t.get(...np.nonzero(t))))(np.array([[0, 2], [3, 0]]));
  assert.deepEqual(g.toArray(), [[0, 1], [1, 0]]);
});

test("get on strided and broadcast inputs", () => {
  const x = iota([4, 6]).get("::-1", "::2");
  assert.deepEqual(x.get([0, 3], [2, 0]).toArray(), [22, 0]);
  assert.deepEqual(x.get(":", [1]).toArray(), [[20], [14], [8], [2]]);
  const b = np.broadcastTo(np.array([1, 2, 3]), [2, 3]);
  assert.deepEqual(b.get([1, 0], [2, 2]).toArray(), [3, 3]);
  assert.deepEqual(np.transpose(iota([2, 3])).get(np.array([[true, false], [false, true], [true, true]])).toArray(), [0, 4, 2, 5]);
});

test("get: typed arrays and 0-d int32 tensors as keys", () => {
  const v = np.array([5, 6, 7]);
  assert.deepEqual(v.get(Int32Array.of(2, 0)).toArray(), [7, 5]);
  assert.deepEqual(v.get(Uint8Array.of(1, 0, 1)).toArray(), [5, 7]);
  // A 0-d integer array is an integer (basic indexing, a view), as in NumPy.
  const x = np.array([[1, 2], [3, 4]]);
  const r = x.get(np.array(1, "int32"));
  assert.deepEqual(r.toArray(), [3, 4]);
  assert.ok(r.data === x.data);
});

test("get: the imperative path (backward) accumulates through views and gathers", () => {
  const x = np.array([1, 2, 3, 4]).requiresGrad_();
  // y = x0*x1 + x0*x2 + x2*x3
  np.sum(np.multiply(x.get([0, 0, 2]), x.get("1:"))).backward();
  assert.deepEqual(x.grad?.toArray(), [5, 1, 5, 3]);
});
