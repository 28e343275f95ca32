// Semantic tests for the rearranging, padding, sorting and differencing family. Expected values
// are worked out by hand or were computed by NumPy (construct-numpy.json, made by construct-numpy.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { np, grad, vjp, jvp, hessian, Tensor, ShapeError, ArgumentError, DTypeError } from "../../src/index.js";
import { runCase, RefCase } from "../helpers/reference.js";

const here = dirname(fileURLToPath(import.meta.url));
const numpyCases: RefCase[] = JSON.parse(readFileSync(join(here, "construct-numpy.json"), "utf8")).cases;

numpyCases.forEach((c, i) => {
  test(`NumPy value #${i} ${c.name} ${JSON.stringify(c.kwargs)}`, () => {
    const r = runCase({ ...c, diff_argnums: [], tol: { rtol: 1e-12, atol: 1e-14 } });
    assert.ok(r.ok, r.message);
  });
});

const arr = (t: Tensor | Tensor[]) => (t as Tensor).toArray();

test("flip, flipud, fliplr, rot90 by hand", () => {
  const x = np.array([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(arr(np.flip(x)), [[6, 5, 4], [3, 2, 1]]);
  assert.deepEqual(arr(np.flip(x, -1)), [[3, 2, 1], [6, 5, 4]]);
  assert.deepEqual(arr(np.flipud(x)), [[4, 5, 6], [1, 2, 3]]);
  assert.deepEqual(arr(np.fliplr(x)), [[3, 2, 1], [6, 5, 4]]);
  assert.deepEqual(arr(np.rot90(x)), [[3, 6], [2, 5], [1, 4]]);
  assert.deepEqual(arr(np.rot90(x, -1)), [[4, 1], [5, 2], [6, 3]]);
  assert.deepEqual(arr(np.rot90(x, { k: 2 })), [[6, 5, 4], [3, 2, 1]]);
  assert.deepEqual(arr(x.flip(0)), [[4, 5, 6], [1, 2, 3]]);
  // A strided (transposed) input flips as its logical values.
  assert.deepEqual(arr(np.flip(x.T, 0)), [[3, 6], [2, 5], [1, 4]]);
  assert.throws(() => np.fliplr(np.array([1, 2])), ShapeError);
  assert.throws(() => np.rot90(x, 1, [0, 0]), ArgumentError);
  assert.throws(() => np.flip(x, [0, 0]), ShapeError);
});

test("roll, repeat, tile by hand", () => {
  const x = np.array([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(arr(np.roll(x, 1)), [[6, 1, 2], [3, 4, 5]]);
  assert.deepEqual(arr(np.roll(x, -4, 1)), [[2, 3, 1], [5, 6, 4]]);
  assert.deepEqual(arr(x.roll([1, 1], [0, 1])), [[6, 4, 5], [3, 1, 2]]);
  assert.deepEqual(arr(np.repeat(x, 2)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
  assert.deepEqual(arr(x.repeat([0, 2, 1], 1)), [[2, 2, 3], [5, 5, 6]]);
  assert.deepEqual(arr(np.repeat(3, 3)), [3, 3, 3]);
  assert.deepEqual(np.repeat(x, 0, 0).shape, [0, 3]);
  assert.deepEqual(arr(np.tile(np.array([1, 2]), [2, 2])), [[1, 2, 1, 2], [1, 2, 1, 2]]);
  assert.deepEqual(np.tile(x, 2).shape, [2, 6]);
  assert.throws(() => np.repeat(x, [1, 2], 1), ShapeError);
  assert.throws(() => np.repeat(x, -1), ArgumentError);
  assert.throws(() => np.repeat(x, 1.5), ArgumentError);
});

test("pad by hand: widths in every form", () => {
  const x = np.array([[1, 2], [3, 4]]);
  assert.deepEqual(arr(np.pad(np.array([1, 2]), [1, 2], { constantValues: 9 })), [9, 1, 2, 9, 9]);
  assert.deepEqual(np.pad(x, 1).shape, [4, 4]);
  assert.deepEqual(np.pad(x, [[1, 0], [0, 2]]).shape, [3, 4]);
  assert.deepEqual(np.pad(x, [[2]]).shape, [6, 6]);
  assert.deepEqual(np.pad(x, { 1: [1, 3] }).shape, [2, 6]);
  assert.deepEqual(np.pad(x, { [-2]: 1 }).shape, [4, 2]);
  assert.deepEqual(arr(np.pad(x, [[0, 0], [1, 1]], "edge")), [[1, 1, 2, 2], [3, 3, 4, 4]]);
  assert.deepEqual(arr(np.pad(np.array([1, 2, 3]), 4, "reflect")), [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]);
  assert.deepEqual(arr(np.pad(np.array([1, 2, 3]), [4, 0], "symmetric")), [3, 3, 2, 1, 1, 2, 3]);
  assert.deepEqual(arr(np.pad(np.array([1, 2, 3]), [2, 4], "wrap")), [2, 3, 1, 2, 3, 1, 2, 3, 1]);
  assert.deepEqual(arr(np.pad(np.array([1, 2, 5]), [2, 1], { mode: "reflect", reflectType: "odd" })), [-3, 0, 1, 2, 5, 8]);
  assert.deepEqual(arr(np.pad(np.array([4, 1, 3]), 1, "maximum")), [4, 4, 1, 3, 4]);
  assert.deepEqual(arr(np.pad(np.array([4, 1, 3]), 1, "median", { statLength: 2 })), [2.5, 4, 1, 3, 2]);
  assert.deepEqual(arr(np.pad(np.array([2, 4]), [2, 0], "linear_ramp")), [0, 1, 2, 4]);
  assert.throws(() => np.pad(x, -1), ArgumentError);
  assert.throws(() => np.pad(x, [[1, 2], [3, 4], [5, 6]]), ArgumentError);
  assert.throws(() => np.pad(x, 1, "bogus" as never), ArgumentError);
  assert.throws(() => np.pad(np.zeros([0, 2]), 1, "edge"), ShapeError);
  assert.throws(() => np.pad(x, 1, { mode: "mean", statLength: 0 }), ArgumentError);
  assert.throws(() => np.pad(x, 1, { mode: "edge", constantValues: 3 }), ArgumentError);
});

test("sort, argsort: stable, NaN last, any axis, dtype kept", () => {
  const v = np.array([2, 1, 2, 1]);
  assert.deepEqual(arr(np.argsort(v)), [1, 3, 0, 2]);
  assert.deepEqual(arr(np.sort(np.array([3, NaN, -Infinity, 1]))), [-Infinity, 1, 3, NaN]);
  assert.deepEqual(arr(np.argsort(np.array([NaN, 0, NaN, -1]))), [3, 1, 0, 2]);
  const m = np.array([[3, 1], [2, 4], [1, 0]]);
  assert.deepEqual(arr(np.sort(m, 0)), [[1, 0], [2, 1], [3, 4]]);
  assert.deepEqual(arr(m.sort()), [[1, 3], [2, 4], [0, 1]]);
  assert.deepEqual(arr(m.argsort(null)), [5, 1, 4, 2, 0, 3]);
  assert.equal(np.sort(np.array([2, 1], "float32")).dtype, "float32");
  assert.equal(np.sort(np.array([2, 1], "int32")).dtype, "int32");
  assert.equal(np.argsort(np.array([2, 1], "float32")).dtype, "int32");
  assert.deepEqual(arr(np.sort(np.array([true, false, true]))), [false, true, true]);
  assert.throws(() => np.sort(np.array(3)), ShapeError);
  assert.throws(() => np.sort(m, { kind: "bogus" as never }), ArgumentError);
});

test("argsort of a long array with ties agrees with a stable reference sort", () => {
  const n = 5000;
  const vals = Array.from({ length: n }, (_, i) => ((i * 7919) % 97) - 48 + (i % 13 === 0 ? NaN : 0));
  const expected = vals.map((_, i) => i).sort((a, b) => {
    const [x, y] = [vals[a], vals[b]];
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? a - b : 1) : -1;
    return x - y || a - b;
  });
  assert.deepEqual(Array.from(np.argsort(np.array(vals)).toTypedArray()), expected);
});

test("partition and argpartition split every lane around kth", () => {
  const n = 3000;
  const vals = Array.from({ length: n }, (_, i) => ((i * 2654435761) % 1009) / 7);
  const x = np.array(vals);
  const sorted = vals.slice().sort((a, b) => a - b);
  for (const kth of [0, 17, 1500, n - 1]) {
    const p = Array.from(np.partition(x, kth).toTypedArray());
    assert.equal(p[kth], sorted[kth]);
    for (let j = 0; j < kth; j++) assert.ok(p[j] <= p[kth]);
    for (let j = kth + 1; j < n; j++) assert.ok(p[j] >= p[kth]);
  }
  const multi = Array.from(np.partition(x, [10, -5, 400]).toTypedArray());
  for (const k of [10, n - 5, 400]) assert.equal(multi[k], sorted[k]);
  const m = np.array([[5, 1, 4], [0, 9, 2], [7, 3, 8]]);
  assert.deepEqual(Array.from(np.partition(m, 1, 0).get(1).toTypedArray()), [5, 3, 4]);
  assert.throws(() => np.partition(m, 3), ShapeError);
});

test("searchsorted by hand", () => {
  const a = np.array([1, 2, 2, 3]);
  assert.deepEqual(arr(np.searchsorted(a, np.array([2, 0, 4]))), [1, 0, 4]);
  assert.deepEqual(arr(np.searchsorted(a, np.array([2, 0, 4]), "right")), [3, 0, 4]);
  assert.deepEqual(arr(np.searchsorted(np.array([3, 1, 2]), np.array([2.5]), { sorter: [1, 2, 0] })), [2]);
  assert.equal(np.searchsorted(a, 2.5).shape.length, 0);
  assert.throws(() => np.searchsorted(np.zeros([2, 2]), 1), ShapeError);
  assert.throws(() => np.searchsorted(a, 1, "middle" as never), ArgumentError);
});

test("diff, gradient, select by hand", () => {
  assert.deepEqual(arr(np.diff(np.array([1, 4, 9, 16]))), [3, 5, 7]);
  assert.deepEqual(arr(np.diff(np.array([1, 4, 9, 16]), 2)), [2, 2]);
  assert.deepEqual(arr(np.diff(np.array([1, 4]), { prepend: 0, append: [10] })), [1, 3, 6]);
  assert.deepEqual(arr(np.diff(np.array([[1, 2], [4, 8]]), 1, 0)), [[3, 6]]);
  assert.deepEqual(arr(np.diff(np.array([true, true, false]))), [false, true]);
  assert.equal(np.diff(np.array([1, 2], "int32")).dtype, "int32");
  assert.throws(() => np.diff(np.array(1)), ShapeError);
  assert.throws(() => np.diff(np.array([1, 2]), -1), ArgumentError);
  // f = x^2 at x = 0, 1, 2, 3: central differences inside, one-sided at the ends.
  const f = np.array([0, 1, 4, 9]);
  assert.deepEqual(arr(np.gradient(f)), [1, 2, 4, 5]);
  assert.deepEqual(arr(np.gradient(f, { edgeOrder: 2 })), [0, 2, 4, 6]);
  assert.deepEqual(arr(np.gradient(f, 0.5)), [2, 4, 8, 10]);
  // Second order on uneven points is exact for a quadratic: d/dx x^2 = 2x.
  const xs = np.array([0, 1, 3, 4]);
  const dq = Array.from((np.gradient(np.multiply(xs, xs), xs, { edgeOrder: 2 }) as Tensor).toTypedArray());
  [0, 2, 6, 8].forEach((v, i) => assert.ok(Math.abs(dq[i] - v) < 1e-13, `${dq}`));
  const two = np.gradient(np.array([[1, 2, 4], [2, 5, 9]])) as Tensor[];
  assert.deepEqual(two.map((t) => t.toArray()), [[[1, 3, 5], [1, 3, 5]], [[1, 1.5, 2], [3, 3.5, 4]]]);
  assert.equal((np.gradient(np.array([1, 2, 4], "float32")) as Tensor).dtype, "float32");
  assert.equal((np.gradient(np.array([1, 2, 4], "int32")) as Tensor).dtype, "float64");
  assert.throws(() => np.gradient(np.array([1, 2]), { edgeOrder: 2 }), ShapeError);
  assert.throws(() => np.gradient(f, 1, 2), ArgumentError);
  const s = np.select([np.array([true, false, false]), np.array([true, true, false])], [np.array([1, 2, 3]), 7], -1);
  assert.deepEqual(arr(s), [1, 7, -1]);
  assert.equal(np.select([np.array([true])], [np.array([1], "int32")]).dtype, "int32");
  assert.throws(() => np.select([np.array([1, 0])], [np.array([1, 2])]), DTypeError);
  assert.throws(() => np.select([np.array([true])], []), ArgumentError);
});

test("sort's gradient scatters by the permutation, on any axis, and differentiates again", () => {
  const x = np.array([[3, 1, 2], [0, 5, 4]]);
  // out = sort(x, -1) = [[1,2,3],[0,4,5]]; weights w on out go back to where each value came from.
  const w = np.array([[10, 20, 30], [40, 50, 60]]);
  const g = grad((a: Tensor) => np.sum(np.multiply(np.sort(a), w)))(x) as Tensor;
  assert.deepEqual(g.toArray(), [[30, 10, 20], [40, 60, 50]]);
  const g0 = grad((a: Tensor) => np.sum(np.multiply(np.sort(a, 0), w)))(x) as Tensor;
  assert.deepEqual(g0.toArray(), [[40, 20, 30], [10, 50, 60]]);
  // sum(sort(x)^3): gradient 3x^2, Hessian diag(6x), whatever the order.
  const h = hessian((a: Tensor) => np.sum(np.power(np.sort(a, null), 3)))(np.array([2, -1, 0.5])) as Tensor;
  assert.deepEqual(Array.from(h.toTypedArray(), (v) => v + 0), [12, 0, 0, 0, -6, 0, 0, 0, 3]);
  const [, t] = jvp((a: Tensor) => np.sort(a), [np.array([2, 0, 1])], [np.array([0.1, 0.2, 0.3])]);
  assert.deepEqual((t as Tensor).toArray(), [0.2, 0.3, 0.1]);
  const g32 = grad((a: Tensor) => np.sum(np.sort(a)))(np.array([2, 1], "float32")) as Tensor;
  assert.equal(g32.dtype, "float32");
});

test("partition's gradient follows the selection", () => {
  const x = np.array([4, 1, 3, 2]);
  // kth = 1 puts 2 at index 1: the weight at index 1 goes to x[3]; the sides get their side's weight.
  const w = np.array([1, 10, 100, 100]);
  const g = grad((a: Tensor) => np.sum(np.multiply(np.partition(a, 1), w)))(x) as Tensor;
  assert.deepEqual(g.toArray(), [100, 1, 100, 10]);
});

test("gradients of the linear rearrangements are their adjoints", () => {
  const x = np.array([[1, 2, 3], [4, 5, 6]]);
  const ct = np.array([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
  const [, pb] = vjp((a: Tensor) => np.repeat(a, 2, 1), x);
  assert.deepEqual((pb(ct)[0] as Tensor).toArray(), [[3, 7, 11], [15, 19, 23]]);
  const [, pbt] = vjp((a: Tensor) => np.tile(a, [1, 2]), x);
  assert.deepEqual((pbt(ct)[0] as Tensor).toArray(), [[5, 7, 9], [17, 19, 21]]);
  const [, pbr] = vjp((a: Tensor) => np.repeat(a, [3, 0, 1], 1), np.array([[1, 2, 3]]));
  assert.deepEqual((pbr(np.array([[1, 2, 4, 8]]))[0] as Tensor).toArray(), [[7, 0, 8]]);
  // Edge padding sends every padded copy's cotangent back to the edge element.
  const [, pbe] = vjp((a: Tensor) => np.pad(a, [2, 1], "edge"), np.array([1, 2, 3]));
  assert.deepEqual((pbe(np.array([1, 2, 4, 8, 16, 32]))[0] as Tensor).toArray(), [7, 8, 48]);
  const [, pbc] = vjp((a: Tensor) => np.pad(a, 1, { constantValues: 5 }), np.array([[1, 2]]));
  assert.deepEqual((pbc(np.reshape(np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), [3, 4]))[0] as Tensor).toArray(), [[6, 7]]);
  const [, pbf] = vjp((a: Tensor) => np.rot90(a), x);
  assert.deepEqual((pbf(np.array([[1, 2], [3, 4], [5, 6]]))[0] as Tensor).toArray(), [[5, 3, 1], [6, 4, 2]]);
  const [, pbd] = vjp((a: Tensor) => np.diff(a), np.array([1, 4, 9]));
  assert.deepEqual((pbd(np.array([1, 10]))[0] as Tensor).toArray(), [-1, -9, 10]);
  const g32 = grad((a: Tensor) => np.sum(np.pad(a, 2, "reflect")))(np.array([1, 2, 3], "float32")) as Tensor;
  assert.equal(g32.dtype, "float32");
  assert.deepEqual(g32.toArray(), [2, 3, 2]);
});

test("a traced select differentiates the choices and the default", () => {
  const c = [np.array([true, false, false]), np.array([true, true, false])];
  const [, pb] = vjp((a: Tensor, d: Tensor) => np.select(c, [a, np.multiply(a, 2)], d), np.array([1, 2, 3]), np.array(0.5));
  const [ga, gd] = pb(np.array([1, 10, 100])) as Tensor[];
  assert.deepEqual(ga.toArray(), [1, 20, 0]);
  assert.equal(gd.item(), 100);
  assert.deepEqual(gd.shape, []);
});

test("long lanes (the radix path) sort negatives, infinities, NaN and every dtype correctly", () => {
  const n = 4000;
  const vals = Array.from({ length: n }, (_, i) => {
    const u = ((i * 2654435761) >>> 0) / 2 ** 32;
    return i % 101 === 0 ? NaN : i % 103 === 0 ? -Infinity : i % 107 === 0 ? Infinity : (u - 0.5) * 1e6 * (i % 3 === 0 ? 1e-300 : 1);
  });
  const numeric = (a: number, b: number) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b);
  for (const dt of ["float64", "float32", "int32"] as const) {
    const x = np.array(vals, dt);
    // -0 and +0 are equal keys: compare with zeros' signs dropped.
    const data = Array.from(x.toTypedArray(), (v) => v + 0);
    const expected = data.slice().sort(numeric);
    assert.deepEqual(Array.from(np.sort(x).toTypedArray(), (v) => v + 0), expected, `sort ${dt}`);
    const order = Array.from(np.argsort(x).toTypedArray());
    assert.deepEqual(order.map((j) => data[j]), expected, `argsort ${dt}`);
    // Two lanes along axis 0 (strided) sort like the contiguous lane.
    const two = np.stack([x, x], 1);
    assert.deepEqual(Array.from(np.sort(two, 0).toTypedArray(), (v) => v + 0).filter((_, j) => j % 2 === 1), expected, `strided sort ${dt}`);
  }
});
