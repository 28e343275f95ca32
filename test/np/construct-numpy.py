# Generates test/np/construct-numpy.json: NumPy's forward values for the rearranging, padding,
# sorting and differencing family, in the reference-vector encoding (test/reference/README.md).
# Run: python3 test/np/construct-numpy.py  (NumPy 2.x)
import json
import numpy as np

rng = np.random.default_rng(7)
cases = []


def enc(v):
    if isinstance(v, np.ndarray) or isinstance(v, np.generic):
        a = np.asarray(v)
        dt = {"float64": "float64", "float32": "float32", "int64": "int32", "int32": "int32", "bool": "bool"}[str(a.dtype)]
        data = [(x if np.isfinite(x) else ("nan" if np.isnan(x) else ("inf" if x > 0 else "-inf"))) if dt.startswith("float") else (bool(x) if dt == "bool" else int(x)) for x in a.ravel().tolist()]
        return {"dtype": dt, "shape": list(a.shape), "data": data}
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    return v


def add(name, args, kwargs=None, **extra):
    kwargs = kwargs or {}
    out = getattr(np, name)(*args, **kwargs)
    cases.append({"name": name, "args": enc(list(args)), "kwargs": {k: enc(v) for k, v in kwargs.items()}, "out": enc(out), **extra})


def r(*shape, dtype=np.float64):
    return rng.standard_normal(shape).astype(dtype)


x23 = r(2, 3)
x34 = r(3, 4)
x234 = r(2, 3, 4)
i34 = rng.integers(-9, 9, (3, 4)).astype(np.int32)

for mode in ["edge", "reflect", "symmetric", "wrap", "linear_ramp", "maximum", "minimum", "mean", "median"]:
    for w in [1, [2, 3], [[4, 1], [0, 7]], [[9, 2], [5, 11]]]:
        add("pad", [x23, w], {"mode": mode})
    add("pad", [x234, [[1, 2], [3, 0], [2, 5]]], {"mode": mode})
    add("pad", [i34, [[3, 1], [2, 6]]], {"mode": mode})
for rt in ["odd"]:
    for mode in ["reflect", "symmetric"]:
        for w in [[2, 1], [[4, 9], [7, 3]], [[13, 2], [1, 12]]]:
            add("pad", [x23, w], {"mode": mode, "reflect_type": rt})
add("pad", [x23, [[1, 2], [3, 1]]], {"mode": "constant", "constant_values": [[1.5, -2.0], [3.0, 4.0]]})
add("pad", [x23, [[1, 2], [3, 1]]], {"mode": "linear_ramp", "end_values": [[1.5, -2.0], [3.0, 4.0]]})
for mode in ["maximum", "mean", "median", "minimum"]:
    add("pad", [x34, [[2, 3], [4, 2]]], {"mode": mode, "stat_length": [[2, 1], [3, 2]]})
add("pad", [r(3).astype(np.float32), [2, 3]], {"mode": "linear_ramp", "end_values": [0.3, -1.0]})
add("pad", [r(3).astype(np.float32), [2, 3]], {"mode": "constant", "constant_values": 0.1})
add("pad", [np.array([True, False]), 2], {"mode": "constant"})
nan_rows = np.array([[1.0, np.nan, 3.0, 0.0], [4.0, 5.0, 6.0, 1.0]])
for mode in ["maximum", "minimum", "median", "mean"]:
    add("pad", [nan_rows, [1, 2]], {"mode": mode})
add("pad", [np.zeros((0, 2)), [[1, 1], [0, 2]]], {"mode": "constant", "constant_values": 3.0})
add("pad", [x23, [[0, 0], [2, 3]]], {"mode": "edge"})
add("pad", [np.array([[2.0]]), [[2, 3], [1, 4]]], {"mode": "reflect"})
add("pad", [np.array([[2.0]]), [[2, 3], [1, 4]]], {"mode": "symmetric", "reflect_type": "odd"})

for shift, axis in [(2, None), (-7, None), ([1, -2], [0, 1]), (3, 1), ([1, 2], 1), (5, -1), (-1, (0, 2))]:
    add("roll", [x234, shift], {"axis": axis})
for reps, axis in [(3, None), (2, -1), ([1, 0, 2], 1), (0, 0), ([2], 2)]:
    add("repeat", [x234, reps], {"axis": axis})
add("repeat", [i34, 2], {"axis": 0})
add("repeat", [np.array([True, False]), [2, 1]])
for reps in [2, [2, 1], [1, 2, 1, 3], [0, 2]]:
    add("tile", [x23, reps])
for k, axes in [(1, (0, 1)), (3, (0, 1)), (2, (1, 2)), (-3, (2, 0)), (5, (-1, -2))]:
    add("rot90", [x234], {"k": k, "axes": axes})
for axis in [None, 0, 1, (0, 2), -1]:
    add("flip", [x234], {"axis": axis})

s = np.array([[3.0, np.nan, 1.0, 2.0, 1.0], [0.0, -1.0, np.inf, -np.inf, np.nan]])
for axis in [-1, 0, None]:
    add("sort", [s], {"axis": axis})
    add("argsort", [s], {"axis": axis, "kind": "stable"})
big = rng.integers(0, 40, 200).astype(np.float64)
add("sort", [big])
add("argsort", [big], {"kind": "stable"})
add("sort", [x234], {"axis": 1})
add("argsort", [x234], {"axis": 0, "kind": "stable"})
add("sort", [i34], {"axis": 0})
add("sort", [x34.astype(np.float32)], {"axis": -1})

# NumPy's (vectorized) partition sorts lanes of up to 256 elements outright; chainrule does too.
add("partition", [r(40), 7])
add("partition", [r(5, 30), 20], {"axis": -1})
add("partition", [r(30, 3), -4], {"axis": 0})

a = np.array([-2.0, -1.0, -1.0, 0.5, 3.0, 3.0, 7.0, np.nan])
for side in ["left", "right"]:
    add("searchsorted", [a, np.array([[-5.0, -1.0, 3.0], [7.0, 9.0, np.nan]])], {"side": side})
perm = np.array([3, 0, 2, 1])
add("searchsorted", [np.array([4.0, 1.0, 3.0, 2.0]), np.array([0.0, 2.0, 2.5, 5.0])], {"sorter": perm})
add("searchsorted", [np.array([1.0, 2.0, 3.0]), 2.0], {"side": "right"})

for n, axis in [(1, -1), (2, 0), (3, 1), (0, 0), (5, -1)]:
    add("diff", [x234], {"n": n, "axis": axis})
add("diff", [x34], {"prepend": 0.5, "append": r(3, 2)})
add("diff", [x34], {"axis": 0, "prepend": r(1, 4), "n": 2})
add("diff", [i34], {"axis": 1})
add("diff", [np.array([True, False, False, True])])

f = r(5, 4)
add("gradient", [f])
add("gradient", [f, 2.0])
add("gradient", [f, 0.5, 3.0])
add("gradient", [f], {"edge_order": 2})
xs = np.array([0.0, 0.3, 1.0, 1.1, 2.5])
ys = np.array([-1.0, 0.0, 2.0, 2.5])
add("gradient", [f, xs, ys])
add("gradient", [f, xs, ys], {"edge_order": 2})
add("gradient", [f, xs], {"axis": 0, "edge_order": 2})
add("gradient", [x234, 1.5], {"axis": (2, 0)})
add("gradient", [i34])
add("gradient", [r(6).astype(np.float32)], {"edge_order": 2})

c1 = rng.random((3, 4)) > 0.5
c2 = rng.random((4,)) > 0.3
add("select", [[c1, c2], [x34, r(4)]], {"default": -1.0})
add("select", [[c1, c2], [i34, 5]])

json.dump({"generated_with": {"numpy": np.__version__}, "cases": cases}, open(__file__.replace(".py", ".json"), "w"))
print(len(cases), "cases")
