// Semantics of the shape, joining and splitting family: values worked out by hand from NumPy's
// documented rules, views versus copies, dtypes, errors, and derivatives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, Tensor, grad, vjp, jvp, hessian, ShapeError, ArgumentError, DTypeError } from "../../src/index.js";

/** 0, 1, ..., n-1 as float64 (or `dtype`), reshaped. */
function iota(shape: number[], dtype: "float64" | "float32" | "int32" = "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return np.array(Array.from({ length: n }, (_, i) => i), dtype).reshape(shape);
}
const flat = (t: Tensor): number[] => Array.from(t.toTypedArray());
const sharesData = (a: Tensor, b: Tensor): boolean => a.data !== null && a.data === b.data;

test("reshape: -1 inference, number shape, options object", () => {
  const x = iota([2, 3, 4]);
  assert.deepEqual(np.reshape(x, [4, -1]).shape, [4, 6]);
  assert.deepEqual(np.reshape(x, -1).shape, [24]);
  assert.deepEqual(np.reshape(x, { shape: [-1, 2] }).shape, [12, 2]);
  assert.deepEqual(np.reshape(np.array([5]), []).shape, []);
  assert.equal(np.reshape(np.array([5]), []).item(), 5);
  assert.deepEqual(np.reshape(np.zeros([0, 3]), [3, 0]).shape, [3, 0]);
});

test("reshape: errors name the operation and the shapes", () => {
  const x = iota([2, 3]);
  assert.throws(() => np.reshape(x, [4, -1]), (e: Error) => e instanceof ShapeError && /reshape.*size 6.*\(4, -1\)/.test(e.message));
  assert.throws(() => np.reshape(x, [-1, -1]), (e: Error) => e instanceof ShapeError && /one unknown dimension/.test(e.message));
  assert.throws(() => np.reshape(x, [5]), ShapeError);
  assert.throws(() => np.reshape(x, [2, -3]), ShapeError);
  assert.throws(() => np.reshape(x, [6], "Q" as never), ArgumentError);
  assert.throws(() => np.reshape(np.zeros([0, 3]), [-1, 0]), ShapeError);
});

test("reshape order F and A; ravel orders C, F, A, K", () => {
  const x = iota([6]);
  // Column-major fill: the first axis varies fastest.
  assert.deepEqual(np.reshape(x, [2, 3], "F").toArray(), [[0, 2, 4], [1, 3, 5]]);
  assert.deepEqual(np.reshape(x, [2, 3], { order: "F" }).toArray(), [[0, 2, 4], [1, 3, 5]]);
  const m = iota([2, 3]);
  assert.deepEqual(flat(np.ravel(m)), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(flat(np.ravel(m, "F")), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(flat(np.ravel(m, { order: "F" })), [0, 3, 1, 4, 2, 5]);
  // m.T is Fortran-ordered: A and K read it in memory order, which is m's row-major order.
  assert.deepEqual(flat(np.ravel(np.transpose(m), "A")), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(flat(np.ravel(np.transpose(m), "K")), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(flat(np.ravel(np.transpose(m), "C")), [0, 3, 1, 4, 2, 5]);
  // A on C-ordered data is C.
  assert.deepEqual(flat(np.ravel(m, "A")), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(flat(np.reshape(np.transpose(m), [6], "A")), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(np.ravel(2.5).shape, [1]);
  assert.throws(() => np.ravel(m, "Z" as never), ArgumentError);
});

test("views: reshape of contiguous data, transpose, broadcastTo, expandDims, squeeze, swapaxes, moveaxis, rollaxis copy nothing", () => {
  const x = iota([2, 3, 4]);
  for (const v of [
    np.reshape(x, [6, 4]),
    np.ravel(x),
    np.transpose(x),
    np.expandDims(x, [0, -1]),
    np.squeeze(np.expandDims(x, 1)),
    np.swapaxes(x, 0, 2),
    np.moveaxis(x, 0, -1),
    np.rollaxis(x, 2),
    np.broadcastTo(np.reshape(x, [2, 1, 3, 4]), [2, 5, 3, 4]),
    np.atleast3d(np.reshape(x, [24])),
  ])
    assert.ok(sharesData(v, x), `expected a view, got shape (${v.shape})`);
  const b = np.broadcastTo(np.array([1, 2, 3]), [4, 3]);
  assert.deepEqual(b.strides, [0, 1]);
  assert.deepEqual(b.toArray(), [[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]]);
  // A reshape that cannot be a view still gives the right values.
  const t = np.transpose(iota([2, 3]));
  assert.deepEqual(np.reshape(t, [2, 3]).toArray(), [[0, 3, 1], [4, 2, 5]]);
  // Splitting points into views too.
  for (const p of np.split(x, 2, 2)) assert.ok(sharesData(p, x));
});

test("transpose, swapaxes, moveaxis, rollaxis: shapes, values and errors", () => {
  const x = iota([2, 3, 4]);
  assert.deepEqual(np.transpose(x, [1, 2, 0]).shape, [3, 4, 2]);
  assert.deepEqual(np.transpose(x, { axes: [-1, 0, 1] }).shape, [4, 2, 3]);
  // Element (i, j, k) of x is 12 i + 4 j + k.
  assert.equal(np.transpose(x, [2, 0, 1]).toTypedArray()[1 * 6 + 1 * 3 + 2], 12 + 8 + 1);
  assert.throws(() => np.transpose(x, [0, 1]), ShapeError);
  assert.throws(() => np.transpose(x, [0, 1, 1]), ShapeError);
  assert.deepEqual(np.swapaxes(x, 0, -1).shape, [4, 3, 2]);
  assert.deepEqual(np.swapaxes(np.array([[1, 2]]), 0, 1).toArray(), [[1], [2]]);
  assert.throws(() => np.swapaxes(x, 0, 3), ShapeError);
  assert.deepEqual(np.moveaxis(x, 0, -1).shape, [3, 4, 2]);
  assert.deepEqual(np.moveaxis(x, -1, 0).shape, [4, 2, 3]);
  assert.deepEqual(np.moveaxis(x, [0, 1], [-1, -2]).shape, [4, 3, 2]);
  assert.deepEqual(np.moveaxis(x, [0, 2], [1, 0]).shape, [4, 2, 3]);
  assert.throws(() => np.moveaxis(x, [0, 0], [1, 2]), ShapeError);
  assert.throws(() => np.moveaxis(x, [0, 1], [1]), ShapeError);
  assert.deepEqual(np.rollaxis(x, 2).shape, [4, 2, 3]);
  assert.deepEqual(np.rollaxis(x, 0, 2).shape, [3, 2, 4]);
  assert.deepEqual(np.rollaxis(x, 1, 3).shape, [2, 4, 3]);
  assert.deepEqual(np.rollaxis(x, -1, -3).shape, [4, 2, 3]);
  assert.deepEqual(np.rollaxis(x, 1, { start: 1 }).shape, [2, 3, 4]);
  assert.throws(() => np.rollaxis(x, 0, 4), ShapeError);
  // NumPy's keyword names in an options object.
  assert.deepEqual(np.swapaxes(x, { axis1: 0, axis2: 1 }).shape, [3, 2, 4]);
  assert.deepEqual(np.moveaxis(x, { source: 2, destination: 0 }).shape, [4, 2, 3]);
  assert.deepEqual(np.rollaxis(x, { axis: 2, start: 1 }).shape, [2, 4, 3]);
});

test("expandDims and squeeze: tuple and negative axes, errors", () => {
  const x = iota([2, 3]);
  assert.deepEqual(np.expandDims(x, -1).shape, [2, 3, 1]);
  assert.deepEqual(np.expandDims(x, [0, -1]).shape, [1, 2, 3, 1]);
  assert.deepEqual(np.expandDims(x, { axis: [1, 3] }).shape, [2, 1, 3, 1]);
  assert.deepEqual(np.expandDims(7, 0).shape, [1]);
  assert.throws(() => np.expandDims(x, 3), ShapeError);
  assert.throws(() => np.expandDims(x, [1, 1]), ShapeError);
  const y = np.zeros([1, 3, 1]);
  assert.deepEqual(np.squeeze(y).shape, [3]);
  assert.deepEqual(np.squeeze(y, -1).shape, [1, 3]);
  assert.deepEqual(np.squeeze(y, { axis: [0, 2] }).shape, [3]);
  assert.deepEqual(np.squeeze(np.zeros([1, 1])).shape, []);
  assert.throws(() => np.squeeze(y, 1), (e: Error) => e instanceof ShapeError && /squeeze.*axis 1.*size 3/.test(e.message));
  assert.throws(() => np.squeeze(y, 3), ShapeError);
});

test("broadcastTo, broadcastArrays, broadcastShapes", () => {
  assert.deepEqual(np.broadcastTo(np.array([[1], [2]]), [2, 2, 3]).toArray(), [
    [[1, 1, 1], [2, 2, 2]],
    [[1, 1, 1], [2, 2, 2]],
  ]);
  assert.deepEqual(np.broadcastTo(3, [2]).toArray(), [3, 3]);
  assert.deepEqual(np.broadcastTo(np.array([1]), 3).toArray(), [1, 1, 1]);
  assert.throws(() => np.broadcastTo(np.zeros([3]), [4]), (e: Error) => e instanceof ShapeError && /broadcastTo.*\(3,\).*\(4,\)/.test(e.message));
  assert.throws(() => np.broadcastTo(np.zeros([2, 3]), [3]), ShapeError);
  assert.throws(() => np.broadcastTo(np.zeros([3]), [-1, 3]), ShapeError);
  const [a, b] = np.broadcastArrays(np.array([[1], [2]]), np.array([10, 20, 30]));
  assert.deepEqual(a.toArray(), [[1, 1, 1], [2, 2, 2]]);
  assert.deepEqual(b.toArray(), [[10, 20, 30], [10, 20, 30]]);
  assert.deepEqual(np.broadcastShapes([2, 1], [3], 1, []), [2, 3]);
  assert.deepEqual(np.broadcastShapes([5, 1, 4], [3, 1]), [5, 3, 4]);
  assert.throws(() => np.broadcastShapes([2], [3]), ShapeError);
});

test("atleast1d/2d/3d: one array gives a tensor, several give a list", () => {
  assert.deepEqual(np.atleast1d(1.5).toArray(), [1.5]);
  assert.deepEqual(np.atleast2d(np.array([1, 2])).toArray(), [[1, 2]]);
  assert.deepEqual(np.atleast3d(np.array([1, 2])).shape, [1, 2, 1]);
  assert.deepEqual(np.atleast3d(np.zeros([2, 4])).shape, [2, 4, 1]);
  assert.deepEqual(np.atleast3d(2).shape, [1, 1, 1]);
  assert.deepEqual(np.atleast2d(np.zeros([2, 3, 4])).shape, [2, 3, 4]);
  const list = np.atleast2d(1, np.array([1, 2]), np.zeros([2, 2]));
  assert.ok(Array.isArray(list));
  assert.deepEqual(list.map((t) => t.shape), [[1, 1], [1, 2], [2, 2]]);
  assert.equal(np.atleast1d(np.array([1, 2], "int32")).dtype, "int32");
});

test("concatenate: values, axis null, negative axis, a tensor as the sequence", () => {
  const a = np.array([[1, 2], [3, 4]]);
  const b = np.array([[5, 6]]);
  assert.deepEqual(np.concatenate([a, b]).toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(np.concatenate([a, np.transpose(b)], 1).toArray(), [[1, 2, 5], [3, 4, 6]]);
  assert.deepEqual(np.concatenate([a, np.transpose(b)], { axis: -1 }).toArray(), [[1, 2, 5], [3, 4, 6]]);
  assert.deepEqual(np.concatenate([a, b], null).toArray(), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(np.concatenate([a, b], { axis: null }).toArray(), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(np.concatenate(a).toArray(), [1, 2, 3, 4]);
  assert.deepEqual(np.concatenate([[1, 2], [3]]).toArray(), [1, 2, 3]);
  assert.deepEqual(np.concatenate([np.zeros([0, 2]), b]).toArray(), [[5, 6]]);
});

test("concatenate: block copy paths agree (long rows, short rows, strided pieces)", () => {
  // Rows of 40 (>= 32, copied with set) and 3 (copied element by element), one piece transposed.
  const x = iota([3, 40]);
  const y = np.transpose(iota([40, 3]));
  const z = np.concatenate([x, y], 0);
  const expect: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 40; j++) expect.push(40 * i + j);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 40; j++) expect.push(3 * j + i);
  assert.deepEqual(flat(z), expect);
  const w = np.concatenate([np.transpose(iota([3, 2])), iota([2, 1])], 1);
  assert.deepEqual(w.toArray(), [[0, 2, 4, 0], [1, 3, 5, 1]]);
  const big = np.concatenate([iota([2, 3, 40]), iota([2, 1, 40])], 1);
  assert.deepEqual(big.shape, [2, 4, 40]);
  assert.equal(flat(big)[3 * 40 + 5], 5);
  assert.equal(flat(big)[(4 + 3) * 40 + 7], 40 + 7);
});

test("concatenate and stack: dtype promotion and the dtype option", () => {
  const f32 = np.array([1, 2], "float32");
  const i32 = np.array([3, 4], "int32");
  const bool = np.array([true, false]);
  assert.equal(np.concatenate([f32, f32]).dtype, "float32");
  assert.equal(np.concatenate([f32, np.array([1])]).dtype, "float64");
  // NumPy: int32 with float32 needs float64 to hold every int32 exactly.
  assert.equal(np.concatenate([f32, i32]).dtype, "float64");
  assert.deepEqual(np.concatenate([i32, bool]).toArray(), [3, 4, 1, 0]);
  assert.equal(np.concatenate([i32, bool]).dtype, "int32");
  assert.equal(np.concatenate([bool, bool]).dtype, "bool");
  assert.equal(np.concatenate([i32, i32], { dtype: "float32" }).dtype, "float32");
  assert.equal(np.stack([i32, bool], { axis: 0, dtype: "float64" }).dtype, "float64");
  assert.throws(() => np.concatenate([f32, f32], { dtype: "int32" }), DTypeError);
  assert.equal(np.vstack([f32, f32]).dtype, "float32");
});

test("concatenate and stack: errors", () => {
  assert.throws(() => np.concatenate([]), ArgumentError);
  assert.throws(() => np.concatenate([np.zeros([2, 2]), np.zeros([2])]), (e: Error) => e instanceof ShapeError && /same number of dimensions/.test(e.message));
  assert.throws(() => np.concatenate([np.zeros([2, 2]), np.zeros([3, 3])]), (e: Error) => e instanceof ShapeError && /\(2, 2\).*\(3, 3\)/.test(e.message));
  assert.throws(() => np.concatenate([1, 2]), (e: Error) => e instanceof ShapeError && /zero-dimensional/.test(e.message));
  assert.throws(() => np.concatenate([np.zeros([2])], 1), ShapeError);
  assert.throws(() => np.stack([np.zeros([2]), np.zeros([3])]), (e: Error) => e instanceof ShapeError && /same shape/.test(e.message));
  assert.throws(() => np.stack([np.zeros([2])], 2), ShapeError);
});

test("stack, vstack, hstack, dstack, columnStack, append: values", () => {
  const a = np.array([1, 2, 3]);
  const b = np.array([4, 5, 6]);
  assert.deepEqual(np.stack([a, b]).toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(np.stack([a, b], -1).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(np.stack([a, b], { axis: 1 }).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(np.stack([1, 2]).toArray(), [1, 2]);
  assert.deepEqual(np.vstack([a, b]).toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(np.hstack([a, b]).toArray(), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(np.hstack([np.array([[1], [2]]), np.array([[3, 4], [5, 6]])]).toArray(), [[1, 3, 4], [2, 5, 6]]);
  assert.deepEqual(np.dstack([a, b]).toArray(), [[[1, 4], [2, 5], [3, 6]]]);
  assert.deepEqual(np.columnStack([a, b]).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(np.columnStack([np.array([[1, 2], [3, 4]]), np.array([9, 8])]).toArray(), [[1, 2, 9], [3, 4, 8]]);
  assert.deepEqual(np.append(a, 7).toArray(), [1, 2, 3, 7]);
  assert.deepEqual(np.append(np.array([[1, 2], [3, 4]]), [[5, 6]], 0).toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(np.append(np.array([[1, 2], [3, 4]]), [[5, 6]]).toArray(), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(np.append(np.array([[1, 2], [3, 4]]), [[7], [8]], { axis: 1 }).toArray(), [[1, 2, 7], [3, 4, 8]]);
  assert.throws(() => np.append(np.zeros([2, 2]), np.zeros([2]), 0), ShapeError);
  assert.throws(() => np.hstack([]), ArgumentError);
});

test("split and arraySplit: sections, split points, errors", () => {
  const x = iota([6]);
  assert.deepEqual(np.split(x, 3).map(flat), [[0, 1], [2, 3], [4, 5]]);
  assert.throws(() => np.split(x, 4), (e: Error) => e instanceof ShapeError && /split.*4 equal sections.*arraySplit/.test(e.message));
  assert.throws(() => np.split(x, 0), ArgumentError);
  assert.throws(() => np.split(x, 1.5), ArgumentError);
  // Seven into three: the first 7 % 3 = 1 piece is one longer.
  assert.deepEqual(np.arraySplit(iota([7]), 3).map(flat), [[0, 1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(np.arraySplit(iota([2]), 3).map(flat), [[0], [1], []]);
  // Points are Python slice bounds: negative from the end, clamped, descending gives empty.
  assert.deepEqual(np.split(x, [2, 4]).map(flat), [[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual(np.split(x, [-2]).map(flat), [[0, 1, 2, 3], [4, 5]]);
  assert.deepEqual(np.split(x, [4, 2]).map(flat), [[0, 1, 2, 3], [], [2, 3, 4, 5]]);
  assert.deepEqual(np.split(x, [3, 10]).map(flat), [[0, 1, 2], [3, 4, 5], []]);
  assert.deepEqual(np.split(x, []).map(flat), [[0, 1, 2, 3, 4, 5]]);
  assert.deepEqual(np.split(x, np.array([1, 5], "int32")).map(flat), [[0], [1, 2, 3, 4], [5]]);
  assert.deepEqual(np.split(x, np.array(2, "int32")).map(flat), [[0, 1, 2], [3, 4, 5]]);
  const m = iota([2, 4]);
  assert.deepEqual(np.split(m, 2, { axis: 1 }).map((t) => t.toArray()), [[[0, 1], [4, 5]], [[2, 3], [6, 7]]]);
  assert.deepEqual(np.arraySplit(m, [1], -1).map((t) => t.shape), [[2, 1], [2, 3]]);
  assert.deepEqual(np.arraySplit(m, { indicesOrSections: 3, axis: 1 }).map((t) => t.shape), [[2, 2], [2, 1], [2, 1]]);
  assert.deepEqual(np.hsplit(m, { indicesOrSections: [1] }).map((t) => t.shape), [[2, 1], [2, 3]]);
  assert.throws(() => np.split(m, 2, 2), ShapeError);
  assert.throws(() => np.split(3, 1), ShapeError);
});

test("hsplit, vsplit, dsplit", () => {
  assert.deepEqual(np.hsplit(iota([4]), 2).map(flat), [[0, 1], [2, 3]]);
  assert.deepEqual(np.hsplit(iota([2, 4]), [3]).map((t) => t.toArray()), [[[0, 1, 2], [4, 5, 6]], [[3], [7]]]);
  assert.deepEqual(np.vsplit(iota([4, 2]), 2).map((t) => t.toArray()), [[[0, 1], [2, 3]], [[4, 5], [6, 7]]]);
  assert.deepEqual(np.dsplit(iota([1, 2, 4]), [1]).map((t) => t.shape), [[1, 2, 1], [1, 2, 3]]);
  assert.throws(() => np.hsplit(np.array(1), 1), ShapeError);
  assert.throws(() => np.vsplit(iota([4]), 2), (e: Error) => e instanceof ShapeError && /vsplit.*2 or more/.test(e.message));
  assert.throws(() => np.dsplit(iota([2, 4]), 2), ShapeError);
  assert.throws(() => np.hsplit(iota([2, 5]), 2), ShapeError);
});

test("dtypes pass through: int32 and bool reshape, transpose and split keep their dtype", () => {
  const i = iota([2, 3], "int32");
  assert.equal(np.reshape(i, [3, 2]).dtype, "int32");
  assert.equal(np.transpose(i).dtype, "int32");
  assert.equal(np.split(i, 3, 1)[0].dtype, "int32");
  assert.equal(np.ravel(np.array([[true], [false]])).dtype, "bool");
  assert.equal(np.moveaxis(iota([2, 3], "float32"), 0, 1).dtype, "float32");
  assert.equal(np.reshape(1.5, [1, 1]).dtype, "float64");
});

test("Tensor methods: ravel, flatten, swapaxes, moveaxis, broadcastTo", () => {
  const m = iota([2, 3]);
  assert.deepEqual(flat(m.ravel()), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(flat(m.flatten("F")), [0, 3, 1, 4, 2, 5]);
  assert.deepEqual(m.swapaxes(0, 1).toArray(), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual(iota([2, 3, 4]).moveaxis(0, -1).shape, [3, 4, 2]);
  assert.deepEqual(np.array([1, 2]).broadcastTo([2, 2]).toArray(), [[1, 2], [1, 2]]);
});

test("gradients: split pieces weighted, gradient shapes and float32 dtype through concatenate", () => {
  // f(x) = sum(p0) + 2 sum(p1) + 3 sum(p2) over three pieces of 2: the gradient is [1,1,2,2,3,3].
  const g = grad((x: Tensor) => {
    const [p, q, r] = np.split(x, 3);
    return np.add(np.add(np.sum(p), np.multiply(2, np.sum(q))), np.multiply(3, np.sum(r)));
  })(iota([6]));
  assert.deepEqual(flat(g), [1, 1, 2, 2, 3, 3]);
  // A float32 argument joined with float64 gets a float32 gradient of its own shape.
  const a = np.array([[1, 2]], "float32");
  const b = np.array([[3, 4], [5, 6]]);
  const [out, pull] = vjp((u: Tensor, v: Tensor) => np.concatenate([u, v]), a, b);
  assert.equal(out.dtype, "float64");
  const [ga, gb] = pull(np.array([[1, 2], [3, 4], [5, 6]])) as Tensor[];
  assert.equal(ga.dtype, "float32");
  assert.deepEqual(ga.toArray(), [[1, 2]]);
  assert.deepEqual(gb.toArray(), [[3, 4], [5, 6]]);
  // broadcastTo sums the cotangent back over broadcast axes.
  const gbc = grad((x: Tensor) => np.sum(np.multiply(np.broadcastTo(x, [4, 3]), np.array([1, 2, 3]))))(np.zeros([3]));
  assert.deepEqual(flat(gbc), [4, 8, 12]);
});

test("forward mode through split and stack; second derivatives through the shape ops", () => {
  const [outs, tans] = jvp((x: Tensor) => np.split(x, [1]), [iota([3])], [np.array([10, 20, 30])]);
  assert.deepEqual((outs as Tensor[]).map(flat), [[0], [1, 2]]);
  assert.deepEqual((tans as Tensor[]).map(flat), [[10], [20, 30]]);
  // f(x) = sum(stack([x, x])^2 reshaped) = 2 sum(x^2): Hessian 4 I.
  const h = hessian((x: Tensor) => np.sum(np.multiply(np.reshape(np.stack([x, x], 1), [-1]), np.ravel(np.stack([x, x], -1)))))(np.array([1, 2]));
  assert.deepEqual(h.toArray(), [[4, 0], [0, 4]]);
  // Mixed: d/dx of sum(transpose(x) * x^T-shaped swapaxes) = 2x.
  const g2 = grad((x: Tensor) => np.sum(np.multiply(np.transpose(x), np.swapaxes(x, 0, 1))))(np.array([[1, 2], [3, 4]]));
  assert.deepEqual(g2.toArray(), [[2, 4], [6, 8]]);
});

test("a number argument gets a number gradient (atleast1d, append)", () => {
  const [, pull] = vjp((s: number, x: Tensor) => np.append(x, s), 1.5, np.array([1, 2]));
  const [gs, gx] = pull(np.array([7, 8, 9])) as [number, Tensor];
  assert.equal(gs, 9);
  assert.deepEqual(flat(gx), [7, 8]);
  assert.equal(grad((s: number) => np.sum(np.atleast2d(s)))(2), 1);
});
