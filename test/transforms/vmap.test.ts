// vmap: equals a loop over the batch with the results stacked (NumPy-style `np.stack([f(x_b) for b])`),
// for many primitives and in/out axes; nesting; grad of vmap and vmap of grad; the generic
// fallback; errors; and the batched Jacobians.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, vmap, grad, jacfwd, jacrev, hessian, jacobian, primitive, defvjp, defjvp, Tensor, ArgumentError, ShapeError } from "../../src/index.js";
import { registry } from "../../src/core/primitive.js";
import { BATCHED_NAMES } from "../../src/ops/batch-rules/index.js";
import { jacobianPaths } from "../../src/transforms/jacobian.js";
import { close } from "./helpers.js";

type F = (...a: Tensor[]) => Tensor;

/** Element `b` of `x` along `axis` (the loop's view of one batch element). */
function at(x: Tensor, axis: number, b: number): Tensor {
  return np.take(x, b, { axis });
}

/** The reference: f applied to each batch element in a JS loop, stacked along `outAxis`. */
function loop(f: F, args: Tensor[], inAxes: (number | null)[], outAxis = 0): Tensor {
  const k = inAxes.findIndex((a) => a !== null);
  const ax = inAxes[k] as number;
  const size = args[k].shape[ax < 0 ? ax + args[k].ndim : ax];
  const outs: Tensor[] = [];
  for (let b = 0; b < size; b++) outs.push(f(...args.map((a, i) => (inAxes[i] === null ? a : at(a, inAxes[i] as number, b)))));
  return np.stack(outs, outAxis);
}

/** Asserts vmap(f) equals the loop: same shape, same dtype, same values. */
function same(f: F, args: Tensor[], inAxes: (number | null)[], outAxes = 0, tol = 1e-12): void {
  const want = loop(f, args, inAxes, outAxes);
  const got = vmap(f, { inAxes, outAxes })(...args) as Tensor;
  assert.deepEqual(got.shape, want.shape, `shape ${JSON.stringify(got.shape)} vs ${JSON.stringify(want.shape)}`);
  assert.equal(got.dtype, want.dtype);
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  for (let i = 0; i < w.length; i++)
    assert.ok(Math.abs(g[i] - w[i]) <= tol * (1 + Math.abs(w[i])) || (Number.isNaN(g[i]) && Number.isNaN(w[i])), `element ${i}: ${g[i]} vs ${w[i]}`);
}

function seq(shape: number[], scale = 0.1, shift = 0): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return np.reshape(np.add(np.multiply(np.arange(n), scale), shift), shape);
}

const X = seq([4, 3], 0.13, -0.7); // batch 4 of 3-vectors along axis 0
const M = seq([4, 2, 3], 0.07, -0.4); // batch 4 of 2x3 along axis 0
const M1 = np.moveaxis(M, 0, 1); // the same batch along axis 1
const M2 = np.moveaxis(M, 0, 2); // ... and along axis 2
const Y3 = np.array([0.5, -1.25, 2]);

test("vmap: hand-checked values, inAxes 0 / 1 / null / negative, outAxes", () => {
  const A = np.array([[1, 2, 3], [4, 5, 6]]);
  const sq = (r: Tensor) => np.sum(np.multiply(r, r));
  close(vmap(sq)(A), [14, 77], 0, [2]);
  close(vmap(sq, { inAxes: 1 })(A), [17, 29, 45], 0, [3]);
  close(vmap(sq, { inAxes: -1 })(A), [17, 29, 45], 0, [3]);
  close(vmap(sq, 1)(A), [17, 29, 45], 0, [3]);
  close(vmap(sq)([[1, 2, 3], [4, 5, 6]]), [14, 77], 0, [2]); // nested numbers are one array
  close(vmap((r: Tensor, y: Tensor) => np.add(r, y), { inAxes: [0, null] })(A, [10, 20, 30]), [[11, 22, 33], [14, 25, 36]], 0, [2, 3]);
  close(vmap((r: Tensor) => np.multiply(r, 2), { outAxes: 1 })(A), [[2, 8], [4, 10], [6, 12]], 0, [3, 2]);
  close(vmap((r: Tensor) => np.multiply(r, 2), { outAxes: -1 })(A), [[2, 8], [4, 10], [6, 12]], 0, [3, 2]);
  // An output that does not depend on the batch is broadcast along the batch axis.
  close(vmap((_r: Tensor) => np.array([7, 8]))(A), [[7, 8], [7, 8]], 0, [2, 2]);
  close(vmap((_r: Tensor) => 3)(A), [3, 3], 0, [2]);
  // axisSize with nothing mapped.
  close(vmap(() => np.array(1.5), { inAxes: [], axisSize: 3 })(), [1.5, 1.5, 1.5], 0, [3]);
});

test("vmap: elementwise unary and binary primitives equal the loop", () => {
  const unary: F[] = [
    np.sin, np.exp, np.square, np.abs, np.negative, np.tanh, np.floor, np.sign, np.reciprocal,
    (x) => np.sqrt(np.add(np.abs(x), 1)),
    (x) => np.log1p(np.abs(x)),
    (x) => np.round(x, 1),
    (x) => np.isnan(np.divide(x, x)),
    (x) => np.astype(x, "float32"),
    (x) => np.astype(np.multiply(x, 10), "int32"),
    (x) => np.clip(x, -0.5, 0.4),
    (x) => np.nanToNum(np.log(x)),
    (x) => np.copy(x),
  ];
  for (const f of unary) {
    same(f, [X], [0]);
    same(f, [np.transpose(X)], [1]);
    same(f, [M2], [2]);
  }
  const binary: F[] = [np.add, np.subtract, np.multiply, np.divide, np.maximum, np.minimum, np.arctan2, np.hypot, np.greater, np.equal, np.logaddexp,
    (a, b) => np.power(np.abs(a), b), (a, b) => np.where(np.greater(a, b), a, np.multiply(b, 2)), (a, b) => np.clip(a, b, 0.9)];
  for (const f of binary) {
    same(f, [X, X], [0, 0]);
    same(f, [X, seq([3, 4], 0.05, -0.3)], [0, 1]);
    same(f, [X, Y3], [0, null]);
    same(f, [Y3, np.transpose(X)], [null, 1]);
    // Per-example ranks differ: (2, 3) against (3,), batched along the same or different axes.
    same(f, [M, X], [0, 0]);
    same(f, [M1, X], [1, 0]);
    same(f, [np.transpose(X), M2], [1, 2]);
    same(f, [M2, Y3], [-1, null]);
    same(f, [M, np.array(0.25)], [0, null]);
  }
  // float32 stays float32; a JS number stays weak.
  same((a) => np.multiply(a, 3), [np.astype(M, "float32")], [1], 0, 1e-6);
  same((a, b) => np.add(a, b), [np.astype(X, "float32"), np.astype(Y3, "float32")], [0, null], 0, 1e-6);
});

test("vmap: reductions, scans and shape primitives equal the loop", () => {
  const fs: F[] = [
    (x) => np.sum(x), (x) => np.sum(x, 0), (x) => np.sum(x, -1, true), (x) => np.sum(x, { axis: [0, 1] }),
    (x) => np.prod(x, 1), (x) => np.max(x, 0), (x) => np.min(x), (x) => np.argmax(x, 1), (x) => np.argmin(x),
    (x) => np.mean(x, 0), (x) => np.var(x, 1), (x) => np.std(x, { axis: 0, keepdims: true }),
    (x) => np.all(np.greater(x, -0.3), 1), (x) => np.any(np.greater(x, 0.2)), (x) => np.countNonzero(np.greater(x, 0), 0),
    (x) => np.cumsum(x, 1), (x) => np.cumprod(x, 0), (x) => np.flip(x, 1),
    (x) => np.reshape(x, [3, 2]), (x) => np.reshape(x, [-1]), (x) => np.ravel(x), (x) => np.transpose(x), (x) => np.swapaxes(x, 0, 1),
    (x) => np.expandDims(x, 1), (x) => np.squeeze(np.expandDims(x, 0), 0), (x) => np.broadcastTo(x, [5, 2, 3]),
    (x) => np.broadcastTo(np.sum(x, 0, true), [2, 3]),
    (x) => np.pad(x, [[1, 0], [0, 2]]), (x) => np.pad(x, 1, { constantValues: 2.5 }),
    (x) => np.concatenate([x, np.ones([1, 3])], 0), (x) => np.concatenate([x, x], 1), (x) => np.stack([x, np.zeros([2, 3])], 2),
    (x) => x.get(0), (x) => x.get(":", "1:"), (x) => x.get("::-1", null, 2), (x) => x.get("...", 1), (x) => x.get(1, "::2"),
    (x) => x.get([1, 0, 1]), (x) => x.get(":", [2, 0]), (x) => x.get([0, 1], [2, 0]), (x) => x.get(np.array([[true, false, true], [false, true, true]])),
    (x) => np.take(x, [2, 0, 2], { axis: 1 }),
    (x) => np.diagonal(x), (x) => np.diagonal(np.reshape(x, [3, 2]), { offset: -1 }), (x) => np.triu(x), (x) => np.tril(x, -1),
    (x) => np.diag(x.get(0)), (x) => np.argsort(x, 0), (x) => np.argsort(x, -1),
  ];
  for (const f of fs) {
    same(f, [M], [0]);
    same(f, [M1], [1]);
    same(f, [M2], [-1]);
    same(f, [M1], [1], -1);
  }
});

test("vmap: contractions (dot_general) with one or both operands batched", () => {
  const A = seq([4, 2, 3], 0.11, -0.5);
  const B = seq([4, 3, 5], 0.03, -0.2);
  const W = seq([3, 5], 0.09, -0.6);
  const fs: F[] = [np.matmul, np.dot, (a, b) => np.einsum("ij,jk->ki", a, b), (a, b) => np.tensordot(a, b, 1)];
  for (const f of fs) {
    same(f, [A, B], [0, 0]);
    same(f, [A, W], [0, null]);
    same(f, [np.transpose(A, [1, 2, 0]), B], [2, 0], 1);
    same(f, [A.get(0), np.transpose(B, [1, 0, 2])], [null, 1]);
  }
  same((v, w) => np.dot(v, w), [X, X], [0, 0]); // per-example inner products
  same((v, w) => np.outer(v, w), [X, Y3], [0, null]);
  same((a, v) => np.matmul(a, v), [M, X], [0, 0]);
});

test("vmap: pytrees in and out, with prefix inAxes and outAxes", () => {
  const f = (p: { w: Tensor; b: Tensor }, xs: Tensor[]) => ({ y: np.add(np.multiply(p.w, xs[0]), p.b), z: [np.sum(xs[1])] });
  const p = { w: np.array([1, 2, 3]), b: np.array(0.5) };
  const x0 = np.array([[1, 1, 1], [2, 2, 2]]);
  const x1 = np.array([[1, 2], [3, 4], [5, 6]]);
  const r = vmap(f, { inAxes: [{ w: null, b: null }, [0, 1]], outAxes: { y: 1, z: [0] } })(p, [x0, x1]) as unknown as { y: Tensor; z: Tensor[] };
  close(r.y, [[1.5, 2.5], [2.5, 4.5], [3.5, 6.5]], 0, [3, 2]);
  close(r.z[0], [9, 12], 0, [2]);
  // A number spec covers a whole subtree; null leaves pass through unbatched.
  const r2 = vmap((q: { a: Tensor; c: number }) => np.multiply(q.a, q.c), { inAxes: [{ a: 0, c: null }] })({ a: x0, c: 3 }) as unknown as Tensor;
  close(r2, [[3, 3, 3], [6, 6, 6]], 0, [2, 3]);
});

test("vmap: nested vmap equals the double loop", () => {
  const T = seq([3, 4, 2], 0.1, -1);
  const f = (v: Tensor) => np.sum(np.multiply(np.sin(v), v));
  const inner = vmap(f); // over rows of a (4, 2) matrix
  const got = vmap(inner)(T) as Tensor; // over the 3 matrices
  const want: number[][] = [];
  for (let i = 0; i < 3; i++) {
    want.push([]);
    for (let j = 0; j < 4; j++) want[i].push((f(np.take(np.take(T, i, { axis: 0 }), j, { axis: 0 })) as Tensor).item());
  }
  close(got, want, 1e-14, [3, 4]);
  // Different axes at each level: outer over axis 2, inner over axis 0 of what remains.
  const got2 = vmap(vmap(f, { inAxes: 0 }), { inAxes: 2, outAxes: 1 })(T) as Tensor;
  const want2: number[][] = [];
  for (let i = 0; i < 3; i++) {
    want2.push([]);
    for (let k = 0; k < 2; k++) want2[i].push((f(T.get(i, ":", k)) as Tensor).item());
  }
  close(got2, want2, 1e-14, [3, 2]);
  // Pairwise: vmap over x, inside vmap over y, of x·y.
  const P = vmap((x: Tensor) => vmap((y: Tensor) => np.dot(x, y))(X))(M.get(0));
  close(P, np.matmul(M.get(0), np.transpose(X)).toArray() as number[][], 1e-14, [2, 4]);
});

test("vmap: grad of vmap and vmap of grad (hand-derived)", () => {
  // vmap of grad: per-row gradient of sum(sin(r)) is cos(r).
  const A = np.array([[0.1, 0.2], [0.3, -0.4], [1.5, 2]]);
  const per = vmap(grad((r: Tensor) => np.sum(np.sin(r))))(A) as Tensor;
  close(per, (A.toArray() as number[][]).map((row) => row.map(Math.cos)), 1e-14, [3, 2]);
  // grad of vmap: d/dA sum_b (sum_j A_bj^2)^2 = 4 s_b A_bj with s_b the row sums of squares.
  const g = grad((a: Tensor) => np.sum(np.square(vmap((r: Tensor) => np.sum(np.square(r)))(a) as Tensor)))(A);
  const rows = A.toArray() as number[][];
  close(g, rows.map((row) => { const s = row.reduce((t, v) => t + v * v, 0); return row.map((v) => 4 * s * v); }), 1e-13, [3, 2]);
  // grad through vmap over axis 1 (the rows of A, as columns of Aᵀ) with an unbatched closure value.
  const w = np.array([2, -1]);
  const g2 = grad((a: Tensor) => np.sum(vmap((c: Tensor) => np.dot(c, w), { inAxes: 1 })(np.transpose(a)) as Tensor))(A);
  close(g2, [[2, -1], [2, -1], [2, -1]], 1e-14, [3, 2]);
  // Second order: vmap of the Hessian diagonal of sum(x^4)/12 is x^2.
  const d2 = vmap(grad(grad((s: Tensor) => np.divide(np.power(s, 4), 12))))(np.array([1, -2, 3])) as Tensor;
  close(d2, [1, 4, 9], 1e-13, [3]);
});

test("vmap: primitives without a rule fall back to a per-element loop", () => {
  const fs: F[] = [
    (x) => np.sort(np.array([[3, 1, 2], [0, -1, 5]]), 1), // unbatched: runs as is
    (x) => np.multiply(x, np.takeAlongAxis(x, np.array([[2, 0, 1], [1, 2, 0]]), 1)),
    (x) => np.searchsorted(np.array([-0.5, 0, 0.5]), x),
    (x) => np.roll(x, 1, 1),
    (x) => np.takeAlongAxis(x, np.argsort(np.array([[3, 1, 2], [1, 2, 3]]), 1), 1),
  ];
  for (const f of fs) {
    same(f, [M], [0]);
    same(f, [M2], [2], -1);
  }
  // A user primitive has no batching rule either; its gradients still batch through its rules.
  const cube = primitive((x: Tensor) => np.multiply(x, np.multiply(x, x)));
  defvjp(cube, (_ans, x) => (g) => np.multiply(g, np.multiply(3, np.multiply(x, x))));
  defjvp(cube, (t, _ans, x) => np.multiply(t, np.multiply(3, np.multiply(x, x))));
  close(vmap((v: Tensor) => np.sum(cube(v)))(np.array([[1, 2], [3, 4]])), [9, 91], 1e-14, [2]);
  close(vmap(grad((v: Tensor) => np.sum(cube(v))))(np.array([[1, 2], [3, 4]])), [[3, 12], [27, 48]], 1e-14, [2, 2]);
  // Its Hessian batches (only its JVP rule, made of batchable ops, sees the batched tangents).
  close(hessian((v: Tensor) => np.sum(cube(v)))(np.array([1, 2])), [[6, 0], [0, 12]], 1e-14, [2, 2]);
  // A Jacobian meeting a primitive without a rule (permute_along_axis, the JVP of sort) takes
  // the per-element loop, with the same values.
  const before = jacobianPaths.loop;
  close(hessian((v: Tensor) => np.sum(np.power(np.sort(v), 3)))(np.array([2, 1])), [[12, 0], [0, 6]], 1e-14, [2, 2]);
  close(jacfwd((v: Tensor) => np.sort(v))(np.array([3, 1, 2])), [[0, 1, 0], [0, 0, 1], [1, 0, 0]], 0, [3, 3]);
  assert.equal(jacobianPaths.loop, before + 2);
});

test("vmap: errors name the problem", () => {
  const f = (a: Tensor, b: Tensor) => np.add(a, b);
  assert.throws(() => vmap(f)(np.ones([2, 3]), np.ones([3, 3])), (e: Error) => e instanceof ShapeError && /different sizes/.test(e.message));
  assert.throws(() => vmap(f, { inAxes: [0] })(np.ones([2]), np.ones([2])), (e: Error) => e instanceof ArgumentError && /one per argument/.test(e.message));
  assert.throws(() => vmap(np.sin, { inAxes: 2 })(np.ones([2, 3])), (e: Error) => e instanceof ShapeError && /out of range/.test(e.message));
  assert.throws(() => vmap(np.sin, { outAxes: null })(np.ones([2, 3])), (e: Error) => e instanceof ArgumentError && /outAxes entry is null/.test(e.message));
  assert.throws(() => vmap(np.sin, { inAxes: null })(np.ones([2])), (e: Error) => e instanceof ArgumentError && /axisSize/.test(e.message));
  assert.throws(() => vmap((x: number) => x)(3), (e: Error) => e instanceof ArgumentError && /number has no axis/.test(e.message));
  assert.throws(() => vmap((x: Tensor) => x.item())(np.ones([2])), (e: Error) => e instanceof ArgumentError && /vmap/.test(e.message));
  assert.throws(() => vmap(f, { inAxes: [[0], 0] })(np.ones([2]), np.ones([2])), (e: Error) => e instanceof ArgumentError && /structure/.test(e.message));
});

test("jacobians batch through vmap and keep their values", () => {
  const before = jacobianPaths.batched;
  const v = np.array([0.3, -0.5, 0.8, 1.1]);
  const rosen = (x: Tensor) => {
    const head = x.get(":-1");
    const t = np.subtract(x.get("1:"), np.square(head));
    return np.sum(np.add(np.multiply(100, np.square(t)), np.square(np.subtract(1, head))));
  };
  // Closed form: tridiagonal, H_ii = 1200 x_i^2 - 400 x_{i+1} + 2 (+ 200 for i > 0), H_i,i+1 = -400 x_i.
  close(hessian(rosen)(v), [[310, -120, 0, 0], [-120, 182, 200, 0], [0, 200, 530, -320], [0, 0, -320, 200]], 1e-13, [4, 4]);
  const A = np.array([[1, 2], [3, 4], [5, 6]]);
  const f = (x: Tensor) => np.matmul(A, np.sin(x));
  const x = np.array([0.2, -0.7]);
  const want = (A.toArray() as number[][]).map((r) => r.map((a, j) => a * Math.cos((x.toArray() as number[])[j])));
  close(jacfwd(f)(x), want, 1e-14, [3, 2]);
  close(jacrev(f)(x), want, 1e-14, [3, 2]);
  // Two arguments, a pytree output, float32.
  const g = (a: Tensor, b: Tensor) => [np.multiply(a, b), np.sum(np.square(a))];
  const J = jacobian(g, { argnums: [0, 1], mode: "fwd" })(np.array([1, 2], "float32"), np.array([3, 4], "float32")) as unknown as Tensor[][];
  close(J[0][0], [[3, 0], [0, 4]], 0, [2, 2]);
  close(J[0][1], [[1, 0], [0, 2]], 0, [2, 2]);
  close(J[1][0], [2, 4], 0, [2]);
  close(J[1][1], [0, 0], 0, [2]);
  assert.equal(J[0][0].dtype, "float32");
  assert.ok(jacobianPaths.batched >= before + 4);
});

test("vmap: advanced indexing on 3-d examples (index block split or together)", () => {
  const T = seq([3, 2, 3, 4], 0.01, -0.05); // batch 3 of 2x3x4
  const fs: F[] = [
    (x) => x.get([0, 1], ":", [1, 3]), // split: NumPy puts the index block first
    (x) => x.get(":", [2, 0], [1, 1]), // together: it stays in place
    (x) => x.get(1, [2, 0]),
    (x) => x.get("...", [3, 0, 1]),
  ];
  for (const f of fs) {
    same(f, [T], [0]);
    same(f, [np.moveaxis(T, 0, 2)], [2], -1);
  }
});

test("vmap and jacobians compose: vmap(hessian), jacrev(vmap), jacfwd(vmap(grad))", () => {
  const f = (x: Tensor) => np.sum(np.multiply(np.square(x), np.sin(x)));
  const xs = np.array([[0.1, 0.4], [-0.3, 1.2], [2, 0.5]]);
  // d²/dx² (x² sin x) = 2 sin x + 4 x cos x - x² sin x, on the diagonal.
  const d2 = (v: number) => 2 * Math.sin(v) + 4 * v * Math.cos(v) - v * v * Math.sin(v);
  const H = vmap(hessian(f))(xs) as Tensor;
  close(H, (xs.toArray() as number[][]).map((r) => [[d2(r[0]), 0], [0, d2(r[1])]]), 1e-13, [3, 2, 2]);
  // The Jacobian of a row-wise map is block diagonal.
  const g = (a: Tensor) => vmap((r: Tensor) => np.multiply(r, np.sum(r)))(a) as Tensor;
  const A = np.array([[1, 2], [3, 4]]);
  const want = [
    [[[4, 1], [0, 0]], [[2, 5], [0, 0]]],
    [[[0, 0], [10, 3]], [[0, 0], [4, 11]]],
  ];
  close(jacrev(g)(A), want, 1e-14, [2, 2, 2, 2]);
  close(jacfwd(g)(A), want, 1e-14, [2, 2, 2, 2]);
  const d1 = (v: number) => 2 * v * Math.sin(v) + v * v * Math.cos(v);
  const gf = jacfwd((a: Tensor) => vmap(grad(f))(a) as Tensor)(xs) as Tensor;
  assert.deepEqual(gf.shape, [3, 2, 3, 2]);
  close(np.sum(gf, [2, 3]), (xs.toArray() as number[][]).map((r) => r.map(d2)), 1e-13, [3, 2]);
  close(vmap(grad(f))(xs), (xs.toArray() as number[][]).map((r) => r.map(d1)), 1e-14, [3, 2]);
});

test("every batching-rule name is a registered primitive", () => {
  for (const name of BATCHED_NAMES) assert.ok(registry.has(name), `${name} is not a primitive`);
});
