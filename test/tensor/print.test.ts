// NumPy's str and repr: expected strings are NumPy 2's output for the same arrays (worked out
// from its printing rules: shared precision up to 8 digits, trimming, scientific notation when
// max >= 1e8, min < 1e-4 or max/min > 1000, wrapping at 75 characters, summaries past 1000).
import { test } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import { np, grad, Tensor } from "../../src/index.js";

const repr = (x: Tensor) => inspect(x);

test("str and repr of small float arrays", () => {
  const x = np.array([1, 2, 3]);
  assert.equal(String(x), "[1. 2. 3.]");
  assert.equal(repr(x), "array([1., 2., 3.])");
  assert.equal(String(np.array([1.5, 2.25])), "[1.5  2.25]");
  assert.equal(repr(np.array([1.5, 2.25])), "array([1.5 , 2.25])");
  assert.equal(String(np.array([1 / 3])), "[0.33333333]");
  assert.equal(String(np.array([0.1 + 0.2, 1])), "[0.3 1. ]");
  assert.equal(String(np.array([1, 1000])), "[   1. 1000.]");
  assert.equal(String(np.array([-0, 1])), "[-0.  1.]");
  assert.equal(String(np.array([-1.5, 2])), "[-1.5  2. ]");
});

test("scientific notation when the range calls for it", () => {
  assert.equal(String(np.array([1e-5, 1])), "[1.e-05 1.e+00]");
  assert.equal(String(np.array([1.5e-5, 1])), "[1.5e-05 1.0e+00]");
  assert.equal(String(np.array([0.1, 1e6])), "[1.e-01 1.e+06]");
  assert.equal(String(np.array([1e8])), "[1.e+08]");
  assert.equal(String(np.array([123456789])), "[1.23456789e+08]");
  assert.equal(String(np.array([1e-100, 1])), "[1.e-100 1.e+000]");
  assert.equal(repr(np.array([-1e-5, 1])), "array([-1.e-05,  1.e+00])");
});

test("nan and inf share the column width", () => {
  assert.equal(String(np.array([NaN, -Infinity, 1.5])), "[ nan -inf  1.5]");
  assert.equal(String(np.array([NaN, Infinity])), "[nan inf]");
  assert.equal(String(np.array([NaN])), "[nan]");
});

test("float32 prints its own shortest digits", () => {
  const x = np.array([0.1, 0.2, 0.3], "float32");
  assert.equal(String(x), "[0.1 0.2 0.3]");
  assert.equal(repr(x), "array([0.1, 0.2, 0.3], dtype=float32)");
  assert.equal(String(np.array([1 / 3], "float32")), "[0.33333334]");
  assert.equal(String(np.array(0.1, "float32")), "0.1");
});

test("rounding at the precision is half to even on exact ties", () => {
  // 2**-9 = 0.001953125 exactly: 8 digits after the point leave a tie, which goes to the even 2.
  assert.equal(String(np.array([2 ** -9, 1])), "[0.00195312 1.        ]");
});

test("int32 and bool arrays", () => {
  const m = np.array([[1, 2], [3, 4]], "int32");
  assert.equal(String(m), "[[1 2]\n [3 4]]");
  assert.equal(repr(m), "array([[1, 2],\n       [3, 4]], dtype=int32)");
  assert.equal(String(np.array([-1, 10], "int32")), "[-1 10]");
  assert.equal(String(np.array([true, false])), "[ True False]");
  assert.equal(repr(np.array([true, true])), "array([ True,  True])");
});

test("0-d tensors: str is the bare value, repr is array(...)", () => {
  assert.equal(String(np.array(1)), "1.0");
  assert.equal(repr(np.array(1)), "array(1.)");
  assert.equal(String(np.array(0.1)), "0.1");
  assert.equal(String(np.array(1e-5)), "1e-05");
  assert.equal(repr(np.array(1e-5)), "array(1.e-05)");
  assert.equal(String(np.array(1e16)), "1e+16");
  assert.equal(String(np.array(1.5e16)), "1.5e+16");
  assert.equal(String(np.array(123.456)), "123.456");
  assert.equal(String(np.array(-0)), "-0.0");
  assert.equal(String(np.array(NaN)), "nan");
  assert.equal(String(np.array(-Infinity)), "-inf");
  assert.equal(String(np.array(true)), "True");
  assert.equal(repr(np.array(false)), "array(False)");
  assert.equal(String(np.array(3, "int32")), "3");
  assert.equal(repr(np.array(3, "int32")), "array(3, dtype=int32)");
  assert.equal(repr(np.array(2, "float32")), "array(2., dtype=float32)");
});

test("empty arrays", () => {
  assert.equal(String(np.zeros([0])), "[]");
  assert.equal(repr(np.zeros([0])), "array([], dtype=float64)");
  assert.equal(repr(np.zeros([2, 0])), "array([], shape=(2, 0), dtype=float64)");
  assert.equal(repr(np.zeros([0], "int32")), "array([], dtype=int32)");
});

test("3-d layout: blank lines between blocks", () => {
  const x = np.arange(8).reshape(2, 2, 2);
  assert.equal(String(x), "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]");
  assert.equal(repr(x), "array([[[0, 1],\n        [2, 3]],\n\n       [[4, 5],\n        [6, 7]]], dtype=int32)");
});

test("wrapping at 75 characters", () => {
  // Words of 3 characters and one space: 18 fit on the first line of str.
  assert.equal(
    String(np.arange(30).astype("float64")),
    "[ 0.  1.  2.  3.  4.  5.  6.  7.  8.  9. 10. 11. 12. 13. 14. 15. 16. 17.\n" +
      " 18. 19. 20. 21. 22. 23. 24. 25. 26. 27. 28. 29.]",
  );
  // repr: "array(" indents continuation lines by 7, and the ")" takes one column.
  assert.equal(
    repr(np.arange(0, 1.1, 0.1)),
    "array([0. , 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1. ])",
  );
  assert.equal(
    repr(np.arange(20).astype("float64")),
    "array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n" +
      "       13., 14., 15., 16., 17., 18., 19.])",
  );
});

test("summaries beyond 1000 elements, with shape= in repr", () => {
  const x = np.arange(2000);
  assert.equal(String(x), "[   0    1    2 ... 1997 1998 1999]");
  // The extras would pass 75 columns, so they go on their own line.
  assert.equal(repr(x), "array([   0,    1,    2, ..., 1997, 1998, 1999],\n      shape=(2000,), dtype=int32)");
  assert.equal(repr(x.astype("float64")), "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03], shape=(2000,))");
  const m = np.arange(2000).reshape(1000, 2);
  assert.equal(String(m), "[[   0    1]\n [   2    3]\n [   4    5]\n ...\n [1994 1995]\n [1996 1997]\n [1998 1999]]");
  // 1000 elements is not more than the threshold: all shown.
  assert.ok(!String(np.zeros(1000)).includes("..."));
});

test("print options", () => {
  const saved = np.getPrintoptions();
  try {
    np.setPrintoptions({ precision: 3 });
    assert.equal(String(np.array([1 / 3, 2])), "[0.333 2.   ]");
    np.setPrintoptions({ precision: 8, suppress: true });
    assert.equal(String(np.array([1e-10, 1])), "[0. 1.]");
    np.setPrintoptions({ suppress: false, threshold: 5, edgeitems: 1 });
    assert.equal(String(np.arange(10)), "[0 ... 9]");
  } finally {
    np.setPrintoptions(saved);
  }
  assert.throws(() => np.setPrintoptions({ precision: -1 }));
});

test("traced tensors print their concrete values", () => {
  let seen = "";
  grad((x: Tensor) => {
    const y = np.multiply(x, 2);
    seen = `${String(y)} | ${repr(y)}`;
    return np.sum(y);
  })(np.array([1, 2.5]));
  assert.equal(seen, "[2. 5.] | array([2., 5.])");
});

test("array2string, arrayStr, arrayRepr", () => {
  const x = np.array([1, 2]);
  assert.equal(np.array2string(x, { separator: ", " }), "[1., 2.]");
  assert.equal(np.arrayStr(x), "[1. 2.]");
  assert.equal(np.arrayRepr(x), "array([1., 2.])");
});
