// The imperative path: requiresGrad leaves, backward() into .grad, retainGraph, createGraph,
// noGrad, detach, and its interplay with the functional transforms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, jvp, noGrad, isGradEnabled, primitive, Tensor, ShapeError, ArgumentError, DTypeError, NotDifferentiableError } from "../../src/index.js";
import { close } from "./helpers.js";

test("a requiresGrad leaf records; backward() fills .grad", () => {
  const x = np.array([1, 2, 3], { requiresGrad: true });
  assert.equal(x.requiresGrad, true);
  assert.equal(x.isLeaf, true);
  assert.equal(x.grad, null);
  const y = np.sum(np.multiply(x, x));
  assert.equal(y.requiresGrad, true);
  assert.equal(y.isLeaf, false);
  close(y, 14);
  y.backward();
  close(x.grad, [2, 4, 6], 1e-12, [3]);
  assert.equal(x.grad!.requiresGrad, false);
  assert.equal(x.grad!.dtype, "float64");
  // Values and shapes read through like any tensor.
  assert.deepEqual(x.shape, [3]);
  assert.deepEqual(x.toArray(), [1, 2, 3]);
  assert.equal(np.array(2).requiresGrad, false);
});

test("gradients accumulate across backward calls; zeroGrad clears", () => {
  const x = np.array([1, -2], { requiresGrad: true });
  np.sum(np.multiply(x, 3)).backward();
  np.sum(np.multiply(x, x)).backward();
  close(x.grad, [3 + 2, 3 - 4]);
  x.zeroGrad();
  assert.equal(x.grad, null);
  np.sum(x).backward();
  close(x.grad, [1, 1]);
});

test("x.requiresGrad_() switches a tensor in place; requiresGrad_(false) switches back", () => {
  const x = np.array([0.5, 1.5]);
  const same = x.requiresGrad_();
  assert.equal(same, x);
  assert.equal(x.requiresGrad, true);
  np.sum(np.sin(x)).backward();
  close(x.grad, [Math.cos(0.5), Math.cos(1.5)]);
  x.requiresGrad_(false);
  assert.equal(x.requiresGrad, false);
  close(np.add(x, 1), [1.5, 2.5]);
  assert.equal(np.add(x, 1).requiresGrad, false);
  assert.throws(() => np.array([1, 2], "int32").requiresGrad_(), DTypeError);
  assert.throws(() => np.array([1, 2], { dtype: "int32", requiresGrad: true }), DTypeError);
  const y = np.multiply(np.array(2).requiresGrad_(), 3);
  assert.throws(() => y.requiresGrad_(false), ArgumentError);
});

test("several leaves, fan-out and shared subexpressions", () => {
  const a = np.array(2, { requiresGrad: true });
  const b = np.array(5, { requiresGrad: true });
  const c = np.multiply(a, b);
  const d = np.add(c, np.multiply(c, a)); // ab + a²b
  d.backward();
  close(a.grad, 5 + 2 * 2 * 5);
  close(b.grad, 2 + 4);
});

test("a non-scalar output needs a gradient argument of its shape", () => {
  const x = np.array([1, 2, 3], { requiresGrad: true });
  const y = np.multiply(x, x);
  assert.throws(() => y.backward(), (e: unknown) => e instanceof ShapeError && /\(3,\)/.test(e.message) && /gradient/.test(e.message));
  assert.throws(() => y.backward(np.ones([2])), (e: unknown) => e instanceof ShapeError && /\(2,\)/.test(e.message));
  y.backward([1, 0, 2]);
  close(x.grad, [2, 0, 12]);
  // A size-1 non-0-d output works without a gradient; float32 gradients keep float32.
  const x32 = np.array([[3]], { dtype: "float32", requiresGrad: true });
  np.multiply(x32, x32).backward();
  assert.equal(x32.grad!.dtype, "float32");
  close(x32.grad, [[6]], 1e-6, [1, 1]);
  // A leaf is its own output.
  const z = np.array([1, 2], { requiresGrad: true });
  z.backward([4, 5]);
  close(z.grad, [4, 5]);
});

test("a second backward through a freed graph is a clear error; retainGraph keeps it", () => {
  const x = np.array(3, { requiresGrad: true });
  const y = np.multiply(np.sin(x), x);
  y.backward();
  assert.throws(() => y.backward(), (e: unknown) => e instanceof ArgumentError && /retainGraph/.test(e.message) && /freed/.test(e.message));
  const z = np.add(y, 1);
  assert.throws(() => z.backward(), /retainGraph/);
  x.zeroGrad();
  const w = np.multiply(np.sin(x), x);
  w.backward(null, { retainGraph: true });
  w.backward();
  close(x.grad, 2 * (Math.cos(3) * 3 + Math.sin(3)));
});

test("createGraph: gradients are differentiable (second and third derivatives through backward)", () => {
  const w = np.array(2, { requiresGrad: true });
  const z = np.multiply(np.sin(w), w);
  z.backward(null, { createGraph: true });
  const g = w.grad!;
  close(g, Math.cos(2) * 2 + Math.sin(2));
  assert.equal(g.requiresGrad, true);
  w.zeroGrad();
  g.backward(null, { createGraph: true });
  const h = w.grad!;
  close(h, -Math.sin(2) * 2 + 2 * Math.cos(2));
  w.zeroGrad();
  h.backward();
  close(w.grad, -Math.cos(2) * 2 - 3 * Math.sin(2));
  // Gradient penalty style: d/dx |d/dx x³|² = d/dx 9x⁴ = 36x³.
  const x = np.array(1.5, { requiresGrad: true });
  np.power(x, 3).backward(null, { createGraph: true });
  const gx = x.grad!;
  x.zeroGrad();
  np.multiply(gx, gx).backward();
  close(x.grad, 36 * 1.5 ** 3);
});

test("noGrad and detach stop recording", () => {
  const x = np.array([1, 2], { requiresGrad: true });
  assert.equal(isGradEnabled(), true);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    return np.multiply(x, x);
  });
  assert.equal(isGradEnabled(), true);
  assert.equal(y.requiresGrad, false);
  close(y, [1, 4]);
  assert.throws(() => np.sum(y).backward(), (e: unknown) => e instanceof ArgumentError && /does not require grad/.test(e.message));
  assert.throws(() => noGrad(() => { throw new Error("boom"); }), /boom/);
  assert.equal(isGradEnabled(), true, "noGrad restores recording after a throw");
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  np.sum(np.multiply(x, d)).backward();
  close(x.grad, [1, 2]);
  // detach under a transform is a constant there too.
  close(grad((t: Tensor) => np.multiply(t, t.detach()))(3) as number, 3);
});

test("gradient descent with the imperative path", () => {
  // Minimize |w - target|² from 0: w converges to target.
  const target = np.array([1, -2, 0.5]);
  let w = np.zeros([3]).requiresGrad_();
  for (let i = 0; i < 100; i++) {
    const d = np.subtract(w, target);
    np.sum(np.multiply(d, d)).backward();
    const g = w.grad!;
    w = noGrad(() => np.subtract(w, np.multiply(0.1, g))).requiresGrad_();
  }
  close(w, [1, -2, 0.5], 1e-8);
});

test("interplay with grad: requiresGrad tensors inside and as arguments", () => {
  const v = np.array(3, { requiresGrad: true });
  // d/da a² v = 2 a v = 12 at a = 2; the gradient still depends on v.
  const g = grad((a: Tensor) => np.multiply(np.multiply(a, a), v))(2) as unknown as Tensor;
  close(g, 12);
  assert.equal(g.requiresGrad, true);
  g.backward();
  close(v.grad, 4);
  // grad of a function of a requiresGrad argument: the result is recorded too.
  const x = np.array(1.5, { requiresGrad: true });
  const gx = grad((t: Tensor) => np.power(t, 3))(x);
  close(gx, 3 * 1.5 ** 2);
  gx.backward();
  close(x.grad, 6 * 1.5);
  // jvp of a requiresGrad argument: the tangent is recorded as well (d/dx 3x² = 6x).
  const z = np.array(2, { requiresGrad: true });
  const [, tz] = jvp((t: Tensor) => np.power(t, 3), [z], [1]);
  close(tz, 12);
  (tz as Tensor).backward();
  close(z.grad, 12);
  // backward() on a transform's tracer is a clear error.
  assert.throws(() => grad((t: Tensor) => { np.multiply(t, v).backward(); return t; })(1), (e: unknown) => e instanceof ArgumentError && /transform/.test(e.message));
  // A leaf cannot be made from a traced value.
  assert.throws(() => grad((t: Tensor) => np.sum(np.array(t, { requiresGrad: true })))(1), ArgumentError);
});

test("a primitive without a VJP fails at backward(), naming it, not when recorded", () => {
  const opaque = primitive(function opaqueSquare(x: Tensor) {
    return np.multiply(x, x);
  });
  const x = np.array(2, { requiresGrad: true });
  const y = opaque(x);
  close(y, 4);
  assert.throws(() => y.backward(), (e: unknown) => e instanceof NotDifferentiableError && /opaqueSquare/.test(e.message));
  assert.equal(x.grad, null);
});

test("a 100,000-op imperative chain backpropagates without recursion", () => {
  const x = np.array(0.5, { requiresGrad: true });
  let y: Tensor = x;
  for (let i = 0; i < 100_000; i++) y = np.multiply(y, 1.00001);
  y.backward();
  close(x.grad, 1.00001 ** 100_000, 1e-9);
});
