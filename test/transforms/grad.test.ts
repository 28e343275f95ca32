// grad, valueAndGrad, elementwiseGrad, vjp and jvp: argument handling, pytrees, values worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, valueAndGrad, elementwiseGrad, vjp, jvp, Tensor, ShapeError } from "../../src/index.js";
import { close, num } from "./helpers.js";

// f(x, y) = x y² + sin x: df/dx = y² + cos x, df/dy = 2 x y.
const f = (x: Tensor, y: Tensor) => np.add(np.multiply(x, np.multiply(y, y)), np.sin(x));

test("grad: argnums default, number, negative and array (result in argnums order)", () => {
  num(grad(f)(2, 3), 9 + Math.cos(2));
  num(grad(f, 1)(2, 3), 12);
  num(grad(f, -1)(2, 3), 12);
  const [gy, gx] = grad(f, [1, 0])(2, 3);
  num(gy, 12);
  num(gx, 9 + Math.cos(2));
  const both = grad(f, { argnums: [0, 1] })(np.array(2), np.array(3));
  assert.ok(both[0] instanceof Tensor && both[1] instanceof Tensor);
  close(both[0], 9 + Math.cos(2));
  close(both[1], 12);
  // A single-element argnums array still gives a tuple.
  const one = grad(f, [1])(2, 3);
  assert.equal(one.length, 1);
  num(one[0], 12);
});

test("grad: tensors keep shape and dtype; numeric arrays are one tensor", () => {
  const x = np.array([[1, 2], [3, 4]]);
  const g = grad((a: Tensor) => np.sum(np.multiply(a, a)))(x);
  close(g, [[2, 4], [6, 8]], 1e-12, [2, 2]);
  assert.equal(g.dtype, "float64");
  const g32 = grad((a: Tensor) => np.sum(np.multiply(a, a)))(x.astype("float32"));
  assert.equal(g32.dtype, "float32");
  close(g32, [[2, 4], [6, 8]], 1e-6, [2, 2]);
  const gn = grad((a: Tensor) => np.sum(np.power(a, 3)))([[1, 2], [3, 4]]);
  close(gn, [[3, 12], [27, 48]], 1e-12, [2, 2]);
});

test("grad: pytree arguments (nested arrays and objects) give gradients of the same structure", () => {
  const params = { w: np.array([1, 2]), b: 0.5, layers: [np.array(3), { k: 2 }] };
  const loss = (p: typeof params) =>
    np.add(np.sum(np.multiply(p.w, p.w)), np.multiply(np.multiply(p.b, p.layers[0] as Tensor), (p.layers[1] as { k: number }).k));
  const g = grad(loss)(params);
  close(g.w, [2, 4]);
  num(g.b, 3 * 2);
  close(g.layers[0] as Tensor, 0.5 * 2);
  num((g.layers[1] as { k: number }).k, 0.5 * 3);
  assert.deepEqual(Object.keys(g).sort(), ["b", "layers", "w"]);
});

test("grad: hasAux returns [grad, aux]; valueAndGrad returns [value, grad]", () => {
  const x = np.array([1, 2]);
  const [g, aux] = grad((a: Tensor) => [np.sum(np.multiply(a, a)), { note: "kept", n: np.sum(a) }] as const, { hasAux: true })(x);
  close(g, [2, 4]);
  assert.equal(aux.note, "kept");
  close(aux.n, 3);
  const [v, gv] = valueAndGrad((a: Tensor) => np.sum(np.power(a, 3)))(x);
  close(v, 9);
  close(gv, [3, 12]);
  const [[v2, aux2], g2] = valueAndGrad((a: Tensor) => [np.sum(a), 7] as const, { hasAux: true })(x);
  close(v2, 3);
  assert.equal(aux2, 7);
  close(g2, [1, 1]);
  const [vn, gn] = valueAndGrad((a: Tensor) => np.multiply(a, a))(3);
  close(vn, 9);
  num(gn, 6);
});

test("elementwiseGrad: the derivative at each point", () => {
  const x = np.array([0, Math.PI / 2, Math.PI]);
  close(elementwiseGrad((a: Tensor) => np.sin(a))(x), [1, 0, -1], 1e-12, [3]);
  close(elementwiseGrad((a: Tensor) => np.multiply(a, a))(np.array([[1, 2], [3, 4]])), [[2, 4], [6, 8]], 1e-12, [2, 2]);
});

test("vjp: pytrees of nested arrays and objects in and out", () => {
  type P = { w: Tensor; x: [number, Tensor] };
  const fn = (p: P) => [np.multiply(p.w, p.x[0]), { z: np.sum(np.multiply(p.x[1], p.x[1])) }];
  const p: P = { w: np.array([1, 2]), x: [3, np.array([4, 5, 6])] };
  const [out, pullback] = vjp(fn, p);
  close(out[0] as Tensor, [3, 6]);
  close((out[1] as { z: Tensor }).z, 16 + 25 + 36);
  const [gp] = pullback([[10, 20], { z: 2 }]);
  close(gp.w, [30, 60]);
  num(gp.x[0], 1 * 10 + 2 * 20);
  close(gp.x[1], [16, 20, 24]);
  // The pullback can be called again with another cotangent.
  const [gp2] = pullback([np.array([1, 0]), { z: 0 }]);
  close(gp2.w, [3, 0]);
  num(gp2.x[0], 1);
});

test("vjp: several primals, one cotangent per primal; cotangent errors are ShapeErrors", () => {
  const [out, pb] = vjp((a: Tensor, b: Tensor) => np.multiply(a, b), np.array([1, 2]), np.array([3, 4]));
  close(out, [3, 8]);
  const [ga, gb] = pb(np.array([1, 1]));
  close(ga, [3, 4]);
  close(gb, [1, 2]);
  assert.throws(() => pb(np.ones([3])), (e: unknown) => e instanceof ShapeError && /\(3,\)/.test(e.message) && /\(2,\)/.test(e.message));
  assert.throws(() => pb([np.ones([2]), np.ones([2])] as unknown as Tensor), ShapeError);
  const [, pb2] = vjp((a: Tensor) => [a, { s: np.sum(a) }], np.array([1, 2]));
  assert.throws(() => pb2([np.ones([2]), { t: 1 }] as unknown as Parameters<typeof pb2>[0]), (e: unknown) => e instanceof ShapeError && /keys \{s\}/.test(e.message));
});

test("jvp: tangents per primal, pytrees, numbers", () => {
  const g = (x: Tensor, y: Tensor) => np.multiply(x, np.sin(y));
  const [o, t] = jvp(g, [2, 0.5], [1, 0]);
  close(o, 2 * Math.sin(0.5));
  close(t, Math.sin(0.5));
  const [, t2] = jvp(g, [2, 0.5], [0, 1]);
  close(t2, 2 * Math.cos(0.5));
  const [, t3] = jvp(g, [np.array([1, 2]), np.array([0, 1])], [[1, 1], [1, 0]]);
  close(t3, [Math.sin(0) + 1 * Math.cos(0), Math.sin(1)]);
  const h = (p: { a: Tensor; b: Tensor[] }) => ({ s: np.multiply(p.a, p.b[0]), t: p.b[1] });
  const [ho, ht] = jvp(h, [{ a: np.array(2), b: [np.array(3), np.array([1, 2])] }], [{ a: np.array(1), b: [np.array(0), np.array([5, 6])] }]);
  close(ho.s, 6);
  close(ht.s, 3);
  close(ht.t, [5, 6]);
  assert.throws(() => jvp(g, [2, 0.5], [1]), /same length/);
  assert.throws(() => jvp(g, [np.array([1, 2]), 0.5], [np.array([1, 2, 3]), 0]), ShapeError);
});
