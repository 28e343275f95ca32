// The README's examples, run as written, with their stated results asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, jacobian, hessian, valueAndGrad, primitive, defvjp, defjvp, checkGrads, Tensor, ShapeError } from "../src/index.js";

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${a} vs ${b}`);

test("a first look: grad of sin(x^2) + 2x", () => {
  const f = (x: Tensor | number) => np.add(np.sin(np.power(x, 2)), np.multiply(2, x));
  close(grad(f)(2.0) as number, 2 + 4 * Math.cos(4));
  // d2/dx2 = 2 cos(x^2) - 4 x^2 sin(x^2)
  close(grad(grad(f))(2.0) as number, 2 * Math.cos(4) - 16 * Math.sin(4));
});

test("a first look: jacobian and hessian shapes and values", () => {
  const x = np.array([0.5, 1.0, 1.5]);
  const J = jacobian((v: Tensor) => np.sin(v).mul(np.sum(v)))(x) as Tensor;
  assert.deepEqual(J.shape, [3, 3]);
  const xs = [0.5, 1.0, 1.5];
  const Jv = J.toArray() as number[][];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) close(Jv[i][j], (i === j ? Math.cos(xs[i]) * 3 : 0) + Math.sin(xs[i]));
  const H = hessian((v: Tensor) => np.sum(v.pow(3)))(x) as Tensor;
  const Hv = H.toArray() as number[][];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) close(Hv[i][j], i === j ? 6 * xs[i] : 0);
});

test("a first look: piecewise functions follow the branch taken", () => {
  const relu = (v: Tensor) => (v.item() > 0 ? v : np.multiply(0, v));
  assert.equal((grad(relu)(np.array(3.0)) as Tensor).item(), 1);
  assert.equal((grad(relu)(np.array(-3.0)) as Tensor).item(), 0);
});

test("a first look: pytrees of objects, numbers give numbers", () => {
  const loss = (p: { w: Tensor; b: number | Tensor }, X: Tensor, y: Tensor) =>
    np.mean(np.square(np.subtract(np.add(np.matmul(X, p.w), p.b), y)));
  const [value, g] = valueAndGrad(loss)({ w: np.zeros([3]), b: 0 }, np.ones([4, 3]), np.ones([4])) as [Tensor, { w: Tensor; b: number }];
  close(value.item(), 1); // residuals are all -1
  // d/dw mean((Xw + b - y)^2) = 2/4 X^T r = [-2, -2, -2]; d/db = 2 mean(r) = -2
  assert.deepEqual(g.w.toArray(), [-2, -2, -2]);
  assert.equal(typeof g.b, "number");
  close(g.b, -2);
});

test("imperative path", () => {
  const w = np.array([1.0, 2.0], { requiresGrad: true });
  const y = np.sum(np.multiply(w, w));
  y.backward();
  assert.deepEqual((w.grad as Tensor).toArray(), [2, 4]);
});

test("your own primitives: logsumexp with defvjp/defjvp, checked to order 2", () => {
  const logsumexp = primitive((x: Tensor) => {
    const m = np.max(x);
    return np.add(m, np.log(np.sum(np.exp(np.subtract(x, m)))));
  });
  defvjp(logsumexp, (ans, x) => (g) => np.multiply(g, np.exp(np.subtract(x, ans))));
  defjvp(logsumexp, (t, ans, x) => np.sum(np.multiply(t, np.exp(np.subtract(x, ans)))));
  const x = np.array([0.1, -0.4, 2.0]);
  const e = [0.1, -0.4, 2.0].map(Math.exp);
  const s = e.reduce((a, b) => a + b);
  const g = (grad((v: Tensor) => logsumexp(v))(x) as Tensor).toArray() as number[];
  g.forEach((v, i) => close(v, e[i] / s));
  checkGrads((v: Tensor) => logsumexp(v), { order: 2 })(x);
});

test("errors name the operation and the shapes", () => {
  assert.throws(() => np.add(np.ones([2, 3]), np.ones([4])), (e: Error) => e instanceof ShapeError && /add: .*\(2, 3\) \(4,\)/.test(e.message));
  assert.throws(() => grad((v: Tensor) => np.sin(v))(np.ones([3])), (e: Error) => e instanceof ShapeError && /grad: .*shape \(3,\)/.test(e.message));
});

test("indexing examples", () => {
  const x = np.array([[1, -2, 3], [-4, 5, -6]]);
  assert.deepEqual(x.get(0, "1:3").toArray(), [-2, 3]);
  assert.deepEqual(x.get("::-1").toArray(), [[-4, 5, -6], [1, -2, 3]]);
  assert.deepEqual(x.get(null, "...", -1).toArray(), [[3, -6]]);
  assert.deepEqual(x.get([0, 0, 1]).toArray(), [[1, -2, 3], [1, -2, 3], [-4, 5, -6]]);
  assert.deepEqual(x.get(np.greater(x, 0)).toArray(), [1, 3, 5]);
  assert.deepEqual(x.at([0, 0]).add(1).toArray(), [[3, 0, 5], [-4, 5, -6]]);
});

test("nn.functional example: a conv net's loss and its gradient", async () => {
  const { nn } = await import("../src/index.js");
  const F = nn.functional;
  const loss = (w: Record<string, Tensor>, x: Tensor, y: Tensor) =>
    F.crossEntropy(F.linear(F.relu(F.conv2d(x, w.c, w.cb)).reshape(x.shape[0], -1), w.d, w.db), y);
  const w = { c: np.ones([3, 1, 3, 3]).mul(0.1), cb: np.zeros([3]), d: np.ones([10, 27]).mul(0.01), db: np.zeros([10]) };
  const x = np.ones([2, 1, 5, 5]);
  const y = np.array([1, 7], "int32");
  const [value, g] = valueAndGrad(loss)(w, x, y) as [Tensor, Record<string, Tensor>];
  // All logits are equal (every class has the same weights), so the loss is log(10).
  close(value.item(), Math.log(10));
  assert.deepEqual(g.c.shape, [3, 1, 3, 3]);
  assert.deepEqual(g.d.shape, [10, 27]);
  // d loss / d db = mean over the batch of softmax - onehot = 0.1 - (count of the class)/2.
  const db = g.db.toArray() as number[];
  db.forEach((v, k) => close(v, 0.1 - (k === 1 || k === 7 ? 0.5 : 0), 1e-12));
});

test("jit: the README's compiled value-and-gradient step", async () => {
  const { jit } = await import("../src/index.js");
  const loss = (x: Tensor) => np.sum(np.add(np.multiply(np.tanh(x), np.exp(np.negative(np.square(x)))), np.log1p(np.square(x))));
  const step = jit(valueAndGrad(loss));
  const x = np.linspace(-1, 1, 1000);
  for (let call = 0; call < 2; call++) {
    const [value, gradient] = step(x) as [Tensor, Tensor];
    // Closed forms: f(t) = tanh t e^{-t^2} + log(1 + t^2); f'(t) = (1 - tanh^2 t) e^{-t^2} - 2t tanh t e^{-t^2} + 2t / (1 + t^2).
    const xs = x.toArray() as number[];
    const g = gradient.toArray() as number[];
    let v = 0;
    xs.forEach((t, i) => {
      const th = Math.tanh(t), e = Math.exp(-t * t);
      v += th * e + Math.log1p(t * t);
      close(g[i], (1 - th * th) * e - 2 * t * th * e + (2 * t) / (1 + t * t), 1e-12);
    });
    close(value.item(), v, 1e-12);
  }
});
