// Semantics of the elementwise family beyond the reference vectors: NumPy's dtype rules, edge
// values, options, errors and derivative conventions. Expected values are worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, jvp, vjp, Tensor, DTypeError, ArgumentError } from "../../src/index.js";

const I = (xs: number[]) => np.array(xs, "int32");
const F32 = (xs: number[]) => np.array(xs, "float32");
const B = (xs: boolean[]) => np.array(xs);

function same(t: Tensor, dtype: string, values: unknown): void {
  assert.equal(t.dtype, dtype);
  assert.deepEqual(t.toArray(), values);
}

/** The second derivative of a scalar function (typed loosely, which keeps tsc's inference shallow). */
function d2(f: (v: Tensor) => Tensor): (x: number) => number {
  const d1 = grad(f) as unknown as (v: Tensor) => Tensor;
  return grad(d1) as unknown as (x: number) => number;
}

function close(t: Tensor | number, values: number[] | number, tol = 1e-12): void {
  const got = typeof t === "number" ? [t] : Array.from(t.toTypedArray());
  const want = typeof values === "number" ? [values] : values;
  assert.equal(got.length, want.length);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tol * (1 + Math.abs(want[i])), `[${i}]: ${g} vs ${want[i]}`));
}

test("dtype rules follow NumPy 2", () => {
  same(np.sqrt(I([4, 9])), "float64", [2, 3]);
  same(np.exp(B([false])), "float64", [1]);
  same(np.add(I([1, 2]), 1), "int32", [2, 3]);
  same(np.add(I([1, 2]), 0.5), "float64", [1.5, 2.5]);
  same(np.divide(I([1, 3]), I([2, 2])), "float64", [0.5, 1.5]);
  same(np.multiply(F32([1.5]), 2), "float32", [3]);
  same(np.add(F32([1]), I([1])), "float64", [2]);
  same(np.sin(F32([0])), "float32", [0]);
  same(np.abs(I([-3, 2])), "int32", [3, 2]);
  same(np.fabs(I([-3])), "float64", [3]);
  same(np.square(I([-3])), "int32", [9]);
  same(np.floor(I([-3])), "int32", [-3]);
  same(np.rint(I([3])), "float64", [3]);
  same(np.maximum(I([1, 5]), I([4, 2])), "int32", [4, 5]);
  same(np.arctan2(I([1]), I([1])), "float64", [Math.PI / 4]);
  same(np.less(I([1, 5]), 2.5), "bool", [true, false]);
});

test("bool arithmetic: or, and, int32 where NumPy uses int8, errors where NumPy refuses", () => {
  const a = B([true, true, false, false]);
  const b = B([true, false, true, false]);
  same(np.add(a, b), "bool", [true, true, true, false]);
  same(np.multiply(a, b), "bool", [true, false, false, false]);
  same(np.maximum(a, b), "bool", [true, true, true, false]);
  same(np.abs(a), "bool", [true, true, false, false]);
  same(np.square(a), "int32", [1, 1, 0, 0]);
  same(np.sign(a), "int32", [1, 1, 0, 0]);
  same(np.power(a, b), "int32", [1, 1, 0, 1]);
  same(np.mod(a, B([true, true, true, true])), "int32", [0, 0, 0, 0]);
  assert.throws(() => np.subtract(a, b), (e: Error) => e instanceof DTypeError && /subtract.*logicalXor/.test(e.message));
  assert.throws(() => np.negative(a), (e: Error) => e instanceof DTypeError && /negative.*logicalNot/.test(e.message));
  same(np.subtract(a, 1), "int32", [0, 0, -1, -1]);
});

test("integer power, division and modulo", () => {
  same(np.power(I([2, -3, 0]), 3), "int32", [8, -27, 0]);
  assert.throws(() => np.power(I([2]), I([-1])), (e: Error) => e instanceof ArgumentError && /negative integer powers/.test(e.message));
  const root = np.power(I([2]), -0.5);
  assert.equal(root.dtype, "float64");
  close(root, [Math.SQRT1_2]);
  same(np.floorDivide(I([7, -7, 7, -7]), I([2, 2, -2, -2])), "int32", [3, -4, -4, 3]);
  same(np.mod(I([7, -7, 7, -7]), I([3, 3, -3, -3])), "int32", [1, 2, -2, -1]);
  same(np.fmod(I([7, -7, 7, -7]), I([3, 3, -3, -3])), "int32", [1, -1, 1, -1]);
  // NumPy returns 0 (with a warning) for integer division by zero.
  same(np.floorDivide(I([5, -5]), 0), "int32", [0, 0]);
  same(np.mod(I([5, -5]), 0), "int32", [0, 0]);
  same(np.reciprocal(I([1, -1, 2])), "int32", [1, -1, 0]);
});

test("float modulo and floor division: Python's conventions", () => {
  same(np.mod(np.array([-7.5, 7.5, 6, -6]), np.array([2, -2, -3, 3])), "float64", [0.5, -0.5, -0, 0]);
  assert.ok(Object.is(np.mod(6, -3).item(), -0));
  same(np.floorDivide(np.array([-7.5, 7.5]), np.array([2, -2])), "float64", [-4, -4]);
  // 1 / 0.1 rounds up to 10, but 0.1 is slightly more than 1/10, so the floor quotient is 9.
  same(np.floorDivide(1, 0.1), "float64", 9);
  // 1 - 9 * 0.1000000000000000055511151231257827, rounded: Python's 1 % 0.1.
  same(np.mod(1, 0.1), "float64", 0.09999999999999995);
  same(np.floorDivide(np.array([1, -1]), 0), "float64", [Infinity, -Infinity]);
  assert.ok(Number.isNaN(np.mod(1, 0).item()));
  same(np.fmod(np.array([-7.5, 7.5]), np.array([2, -2])), "float64", [-1.5, 1.5]);
});

test("rounding: halves to even, decimals, negative decimals, integers", () => {
  same(np.rint(np.array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.6])), "float64", [0, 2, 2, -0, -2, -2, 3]);
  assert.ok(Object.is(np.rint(-0.4).item(), -0));
  same(np.round(np.array([0.5, 1.5, 2.5, 3.5])), "float64", [0, 2, 2, 4]);
  same(np.round(np.array([1.23456, -1.25]), 1), "float64", [1.2, -1.2]);
  same(np.round(np.array([1.23456]), { decimals: 3 }), "float64", [1.235]);
  same(np.round(np.array([15, 25, -35, 1234.5]), -1), "float64", [20, 20, -40, 1230]);
  same(np.round(I([15, 25, -35]), -1), "int32", [20, 20, -40]);
  same(np.round(I([15, 25])), "int32", [15, 25]);
  same(np.around(F32([2.5, 0.25]), 1), "float32", [2.5, 0.20000000298023224]);
  same(np.trunc(np.array([-1.7, 1.7])), "float64", [-1, 1]);
  same(np.fix(np.array([-1.7, 1.7])), "float64", [-1, 1]);
  same(np.floor(np.array([-1.5, 1.5])), "float64", [-2, 1]);
  same(np.ceil(np.array([-1.5, 1.5])), "float64", [-1, 2]);
  assert.throws(() => np.round(np.array([1]), 0.5), ArgumentError);
});

test("sign, abs, angle and the complex accessors on real input", () => {
  const s = np.sign(np.array([-3, -0, 0, 2, NaN])).toTypedArray();
  assert.deepEqual(Array.from(s.slice(0, 4)), [-1, 0, 0, 1]);
  assert.ok(Number.isNaN(s[4]));
  same(np.angle(np.array([-1, 0, -0, 2])), "float64", [Math.PI, 0, Math.PI, 0]);
  same(np.angle(np.array([-1, 2]), { deg: true }), "float64", [180, 0]);
  same(np.imag(np.array([1.5, -2])), "float64", [0, 0]);
  same(np.real(I([3])), "int32", [3]);
  same(np.conjugate(np.array([1.5])), "float64", [1.5]);
  same(np.realIfClose(np.array([1.5])), "float64", [1.5]);
  same(np.iscomplex(np.array([1, 2])), "bool", [false, false]);
  same(np.isreal(np.array([[1, 2]])), "bool", [[true, true]]);
});

test("NaN: maximum/minimum propagate it, fmax/fmin ignore it, comparisons are false", () => {
  const a = np.array([NaN, 1, NaN]);
  const b = np.array([0, NaN, NaN]);
  assert.deepEqual(Array.from(np.maximum(a, b).toTypedArray()).map(Number.isNaN), [true, true, true]);
  assert.deepEqual(Array.from(np.minimum(a, b).toTypedArray()).map(Number.isNaN), [true, true, true]);
  const fm = np.fmax(a, b).toTypedArray();
  assert.deepEqual([fm[0], fm[1], Number.isNaN(fm[2])], [0, 1, true]);
  const fn = np.fmin(a, np.array([-2, 5, 3])).toTypedArray();
  assert.deepEqual(Array.from(fn), [-2, 1, 3]);
  same(np.equal(a, a), "bool", [false, true, false]);
  same(np.notEqual(a, a), "bool", [true, false, true]);
  same(np.lessEqual(a, 1), "bool", [false, true, false]);
  same(np.logicalAnd(a, 1), "bool", [true, true, true]); // NaN is truthy
  same(np.isnan(a), "bool", [true, false, true]);
  same(np.isfinite(np.array([1, Infinity, -Infinity, NaN])), "bool", [true, false, false, false]);
  same(np.isinf(np.array([1, Infinity, -Infinity, NaN])), "bool", [false, true, true, false]);
  same(np.isposinf(np.array([Infinity, -Infinity])), "bool", [true, false]);
  same(np.isneginf(np.array([Infinity, -Infinity])), "bool", [false, true]);
});

test("logaddexp is stable for large and infinite arguments", () => {
  close(np.logaddexp(1000, 1000), 1000 + Math.LN2);
  close(np.logaddexp(-1000, 0), 0);
  close(np.logaddexp2(1000, 999), 1000 + Math.log2(1.5));
  same(np.logaddexp(np.array([-Infinity, Infinity]), np.array([-Infinity, 3])), "float64", [-Infinity, Infinity]);
});

test("comparisons: a JS number meets a float32 array as a float32", () => {
  same(np.equal(F32([0.1]), 0.1), "bool", [true]);
  same(np.equal(np.array([0.1]), F32([0.1])), "bool", [false]);
  same(np.logicalXor(B([true, false]), np.array([2, 2])), "bool", [false, true]);
  same(np.logicalNot(np.array([0, -0.5])), "bool", [true, false]);
});

test("isclose: asymmetric tolerance, infinities, NaN", () => {
  same(np.isclose(np.array([1, 1, 1e-9]), np.array([1 + 1e-6, 1.1, 0])), "bool", [true, false, true]);
  // |a - b| <= atol + rtol * |b|: the tolerance scales with b only.
  same(np.isclose(10, 11, { rtol: 0.095, atol: 0 }), "bool", true);
  same(np.isclose(11, 10, { rtol: 0.095, atol: 0 }), "bool", false);
  same(np.isclose(np.array([Infinity, Infinity, NaN]), np.array([Infinity, -Infinity, NaN])), "bool", [true, false, false]);
  same(np.isclose(np.array([NaN, NaN]), np.array([NaN, 1]), { equalNan: true }), "bool", [true, false]);
  same(np.isclose(I([1, 2]), I([1, 3])), "bool", [true, false]);
  assert.throws(() => np.isclose(1, 1, { rtol: -1 }), ArgumentError);
});

test("clip: bounds as numbers, arrays or null, options, NaN, dtypes", () => {
  same(np.clip(np.array([-2, 0, 2]), -1, 1), "float64", [-1, 0, 1]);
  same(np.clip(np.array([-2, 0, 2]), null, 1), "float64", [-2, 0, 1]);
  same(np.clip(np.array([-2, 0, 2]), { min: -1 }), "float64", [-1, 0, 2]);
  same(np.clip(np.array([-2, 0, 2]), { aMax: 0.5 }), "float64", [-2, 0, 0.5]);
  same(np.clip(np.array([[-2, 0, 2]]), np.array([[-1], [0.5]]), 1), "float64", [[-1, 0, 1], [0.5, 0.5, 1]]);
  same(np.clip(np.array([-2, 0, 2]), 1, -1), "float64", [-1, -1, -1]); // aMin > aMax gives aMax, as NumPy
  same(np.clip(I([-7, 3, 9]), 0, 5), "int32", [0, 3, 5]);
  same(np.clip(I([-7, 3]), 0.5, 5), "float64", [0.5, 3]);
  same(np.clip(F32([-2, 0.1]), 0, 1), "float32", [0, 0.10000000149011612]);
  assert.ok(Number.isNaN(np.clip(np.array([NaN]), 0, 1).item()));
  same(np.clip(np.array([1, 2])), "float64", [1, 2]);
  assert.throws(() => np.clip(np.array([1]), { aMin: 0, min: 0 }), ArgumentError);
  same(np.array([-3, 3]).clip(-1, 2), "float64", [-1, 2]);
});

test("clip gradients: x strictly inside, array bounds where the output equals them", () => {
  const x = np.array([-2, -1, 0, 1, 2]);
  const gx = grad((v: Tensor) => np.sum(np.clip(v, -1, 1)))(x) as Tensor;
  same(gx, "float64", [0, 0, 1, 0, 0]);
  const lo = np.array([-1, -1, -1, -1, -1]);
  const hi = np.array(1);
  const [gl, gh] = grad((a: Tensor, b: Tensor) => np.sum(np.clip(x, a, b)), [0, 1])(lo, hi) as Tensor[];
  same(gl, "float64", [1, 1, 0, 0, 0]);
  same(gh, "float64", 2);
  const [, tan] = jvp((v: Tensor) => np.clip(v, -1, 1), [x], [np.array([1, 2, 3, 4, 5])]);
  same(tan as Tensor, "float64", [0, 0, 3, 0, 0]);
});

test("nanToNum: defaults, options, dtype limits, gradient only through finite values", () => {
  same(np.nanToNum(np.array([NaN, Infinity, -Infinity, 1])), "float64", [0, Number.MAX_VALUE, -Number.MAX_VALUE, 1]);
  same(np.nanToNum(F32([Infinity])), "float32", [3.4028234663852886e38]);
  same(np.nanToNum(np.array([NaN, Infinity, -Infinity]), { nan: -1, posinf: 9, neginf: -9 }), "float64", [-1, 9, -9]);
  same(np.nanToNum(I([3])), "int32", [3]);
const g = grad((v: Tensor) => np.sum(np.nanToNum(np.add(v, np.array([Infinity, 2, NaN])))))(np.array([1, 1, 1])) as Tensor;
  same(g, "float64", [0, 1, 0]);
});

test("derivative conventions: |x| at 0, ties in maximum, power at 0", () => {
  assert.equal(grad((x: Tensor) => np.abs(x))(0), 0);
  assert.equal(grad((x: Tensor) => np.fabs(x))(-2), -1);
  const [ga, gb] = grad((a: Tensor, b: Tensor) => np.sum(np.maximum(a, b)), [0, 1])(np.array([1, 2, 3]), np.array([1, 5, 0])) as Tensor[];
  same(ga, "float64", [0.5, 0, 1]);
  same(gb, "float64", [0.5, 1, 0]);
  const [fa, fb] = grad((a: Tensor, b: Tensor) => np.sum(np.fmin(a, b)), [0, 1])(np.array([NaN, 2]), np.array([1, 2])) as Tensor[];
  same(fa, "float64", [0, 0.5]);
  same(fb, "float64", [1, 0.5]);
  const [px, py] = grad((x: Tensor, y: Tensor) => np.sum(np.power(x, y)), [0, 1])(np.array([0, 0]), np.array([0, 2])) as Tensor[];
  same(px, "float64", [0, 0]);
  same(py, "float64", [0, 0]);
});

test("higher derivatives come from the rules", () => {
  const x = 0.5;
  const t = Math.tanh(x);
  close(d2(np.tanh)(x), -2 * t * (1 - t * t));
  // sinc'(0) = 0, sinc''(0) = -pi^2 / 3, sinc'''(0) = 0 (series branch near 0).
  close(grad((v: Tensor) => np.sinc(v))(0) as number, 0);
  close(d2(np.sinc)(0), -(Math.PI ** 2) / 3, 1e-9);
  // sinc''(x) = -pi^2/3 + pi^4 x^2/10 - pi^6 x^4/168 + O(x^6).
  close(d2(np.sinc)(0.01), -(Math.PI ** 2) / 3 + (Math.PI ** 4 / 10) * 1e-4 - (Math.PI ** 6 / 168) * 1e-8, 1e-10);
  // d/dx sinc at 0.5: (cos(pi/2) - sinc(0.5)) / 0.5 = -4 / pi.
  close(grad((v: Tensor) => np.sinc(v))(0.5) as number, -4 / Math.PI);
  // d2/dx2 of arctan: -2x / (1 + x^2)^2.
  close(d2(np.arctan)(2), -4 / 25);
  // d2/dx2 log1p: -1 / (1 + x)^2.
  close(d2(np.log1p)(1), -0.25);
});

test("hypot and arctan2 derivatives, forward and reverse", () => {
  const [out, t] = jvp((a: Tensor, b: Tensor) => np.hypot(a, b), [np.array([3]), np.array([4])], [np.array([1]), np.array([1])]);
  same(out as Tensor, "float64", [5]);
  close(t as Tensor, [7 / 5]);
  const [, pull] = vjp((y: Tensor, x: Tensor) => np.arctan2(y, x), np.array([1]), np.array([1]));
  const [gy, gx] = pull(np.array([1])) as Tensor[];
  close(gy, [0.5]);
  close(gx, [-0.5]);
});

test("float32 in, float32 gradients out; broadcast operands get their own shape", () => {
  const [ga, gb] = grad((a: Tensor, b: Tensor) => np.sum(np.logaddexp(a, b)), [0, 1])(F32([0, 1]), np.array([[0], [1], [2]], "float32")) as Tensor[];
  assert.equal(ga.dtype, "float32");
  assert.deepEqual(ga.shape, [2]);
  assert.equal(gb.dtype, "float32");
  assert.deepEqual(gb.shape, [3, 1]);
  // Each output's two partials sum to 1, so all six add up to 6.
  close(np.add(np.sum(ga), np.sum(gb)).item(), 6, 1e-6);
});

test("nondifferentiable functions work on traced values with zero gradient", () => {
  const f = (x: Tensor) => np.sum(np.add(np.multiply(x, np.floor(x)), np.sign(x)));
  same(grad(f)(np.array([1.5, -0.5])) as Tensor, "float64", [1, -1]);
  const relu = (x: Tensor) => np.sum(np.where(np.greater(x, 0), x, 0));
  same(grad(relu)(np.array([-1, 2])) as Tensor, "float64", [0, 1]);
  const [, tz] = jvp((x: Tensor) => np.round(x, 1), [np.array([1.26])], [np.array([1])]);
  same(tz as Tensor, "float64", [0]);
});

test("strided and broadcast inputs", () => {
  const m = np.array([[0, 1], [2, 3]]).T; // a non-contiguous view
  same(np.square(m), "float64", [[0, 4], [1, 9]]);
  same(np.hypot(np.array([[3, 5], [4, 12]]).T, np.array([[4], [12]])), "float64", [[5, Math.hypot(4, 4)], [Math.hypot(5, 12), Math.hypot(12, 12)]]);
  same(np.mod(np.array([[5, 7]]).T, np.array([2, 3])), "float64", [[1, 2], [1, 1]]);
  same(np.clip(np.array([[-5, 5], [0, 1]]).T, np.array([-1, 0]), 2), "float64", [[-1, 0], [2, 1]]);
});

test("Tensor methods chain", () => {
  const x = np.array([-4, 1, 9]);
  same(x.abs().sqrt(), "float64", [2, 1, 3]);
  same(x.square().neg().sign(), "float64", [-1, -1, -1]);
  same(x.div(2).round(), "float64", [-2, 0, 4]);
  same(x.div(3).floor().add(x.div(3).ceil()), "float64", [-3, 1, 6]);
  same(x.maximum(0).minimum(5), "float64", [0, 1, 5]);
  same(x.gt(0).logicalAnd(x.lt(5)), "bool", [false, true, false]);
  same(x.eq(1).logicalOr(x.ge(9)), "bool", [false, true, true]);
  same(x.ne(1).logicalXor(x.le(-4)), "bool", [false, false, true]);
  same(x.gt(0).logicalNot(), "bool", [true, false, false]);
  same(x.mod(4).floorDiv(1), "float64", [0, 1, 1]);
  close(np.array([0.5]).tanh().log1p().expm1(), [Math.tanh(0.5)]);
});

test("clip on large arrays (the kernel's own-loop path) and integer arrays with one bound", () => {
  const n = 5000;
  const x = np.array(Array.from({ length: n }, (_, i) => i - 2500));
  for (let r = 0; r < 4; r++) {
    const c = np.clip(x, -1000, 1000).toTypedArray();
    assert.equal(c[0], -1000);
    assert.equal(c[2500], 0);
    assert.equal(c[n - 1], 1000);
  }
  same(np.clip(I([-7, 3, 9]), null, 5), "int32", [-7, 3, 5]);
  same(np.clip(I([-7, 3, 9]), -1, null), "int32", [-1, 3, 9]);
  same(np.clip(3, 0, 2), "float64", 2);
});

test("large strided and broadcast operands (the kernels' own-loop paths) match Math.*", () => {
  const m = np.array(Array.from({ length: 10000 }, (_, i) => (i % 97) / 50 - 1)).reshape([100, 100]);
  const row = np.array(Array.from({ length: 100 }, (_, i) => i / 25));
  for (let r = 0; r < 4; r++) {
    const e = np.exp(m.T).toTypedArray();
    const h = np.hypot(m.T, row).toTypedArray();
    for (const [i, j] of [[0, 0], [3, 71], [99, 98]]) {
      const v = ((j * 100 + i) % 97) / 50 - 1; // m.T[i, j] = m[j, i]
      assert.equal(e[i * 100 + j], Math.exp(v));
      assert.equal(h[i * 100 + j], Math.hypot(v, j / 25));
    }
  }
});

test("errors name the operation and the shapes", () => {
  assert.throws(() => np.add(np.array([1, 2]), np.array([1, 2, 3])), /add: operands could not be broadcast together with shapes \(2,\) \(3,\)/);
  assert.throws(() => np.clip(np.array([1, 2]), np.array([0, 0, 0]), 1), /clip: .*\(2,\) \(3,\)/);
  assert.throws(() => np.maximum(np.ones([2, 3]), np.ones([2])), /maximum/);
});

test("np.where with the condition alone is np.nonzero", () => {
  const [r, c] = np.where(np.array([[0, 1], [2, 0]]));
  same(r, "int32", [0, 1]);
  same(c, "int32", [1, 0]);
  same(np.where(np.array([true, false]), 1, np.array([5, 6])), "float64", [1, 6]);
  assert.throws(() => (np.where as (c: unknown, x: unknown) => unknown)(np.array([true]), 1), ArgumentError);
});
