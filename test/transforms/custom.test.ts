// checkGrads (passing and deliberately failing), custom primitives, stopGradient, checkpoint.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, jvp, hessian, checkGrads, primitive, defvjp, defjvp, stopGradient, checkpoint, Tensor, NotDifferentiableError, ArgumentError } from "../../src/index.js";
import { close, num } from "./helpers.js";

test("checkGrads passes on correct rules, both modes, order 2", () => {
  const f = (x: Tensor, y: Tensor) => np.sum(np.multiply(np.sin(x), np.exp(y)));
  checkGrads(f)(np.array([0.1, 0.7]), np.array([0.3, -0.2]));
  checkGrads(f, { modes: ["rev"], order: 3, argnums: 1 })(np.array([0.1, 0.7]), np.array([0.3, -0.2]));
  checkGrads((p: { a: Tensor; b: Tensor[] }) => [np.multiply(p.a, p.b[0]), np.sin(p.b[1])])({ a: np.array([1, 2]), b: [np.array(0.5), np.array([0.1])] });
  assert.throws(() => checkGrads(f, { modes: ["sideways" as "fwd"] }), ArgumentError);
});

function cubeImpl(x: Tensor): Tensor {
  return np.multiply(x, np.multiply(x, x));
}

test("primitive with defvjp/defjvp: values, gradients at order 2 and 3", () => {
  const cube = primitive(cubeImpl);
  defvjp(cube, (_ans, x) => (g) => np.multiply(g, np.multiply(3, np.multiply(x, x))));
  defjvp(cube, (t, _ans, x) => np.multiply(t, np.multiply(3, np.multiply(x, x))));
  close(cube(2), 8);
  num(grad((x: Tensor) => cube(x))(2), 12);
  num(grad(grad((x: Tensor) => cube(x)))(2), 12);
  num(grad(grad(grad((x: Tensor) => cube(x))))(2), 6);
  const [, t] = jvp((x: Tensor) => cube(x), [2], [1]);
  close(t, 12);
  close(hessian((x: Tensor) => np.sum(cube(x)))(np.array([1, 2])), [[6, 0], [0, 12]]);
  checkGrads((x: Tensor) => cube(x), { order: 2 })(np.array([0.5, -1.5]));
  // The body is not traced: it runs on concrete values.
  let sawTracer = false;
  const spy = primitive(function spy(x: Tensor) {
    sawTracer = sawTracer || x.trace !== null;
    return np.multiply(x, 2);
  });
  defvjp(spy, () => (g) => np.multiply(g, 2));
  num(grad((x: Tensor) => spy(x))(1), 2);
  assert.equal(sawTracer, false);
});

test("defvjp with null marks a non-differentiable argument", () => {
  const scale = primitive(function scale(x: Tensor, k: Tensor) {
    return np.multiply(x, k);
  });
  defvjp(scale, (_ans, _x, k) => (g) => np.multiply(g, k), null);
  num(grad((x: Tensor) => scale(x, 3))(1), 3);
  assert.throws(() => grad((k: Tensor) => scale(2, k))(1), (e: unknown) => e instanceof ArgumentError && /scale/.test(e.message) && /argument 1/.test(e.message));
});

test("checkGrads throws on a wrong defvjp, naming the function, the mode and the order", () => {
  const badSquare = primitive(function badSquare(x: Tensor) {
    return np.multiply(x, x);
  });
  defvjp(badSquare, (_ans, x) => (g) => np.multiply(g, np.multiply(3, x)));
  defjvp(badSquare, (t, _ans, x) => np.multiply(t, np.multiply(2, x)));
  assert.throws(
    () => checkGrads(badSquare, { modes: ["rev"] })(np.array([0.5, 1.5])),
    (e: unknown) => e instanceof NotDifferentiableError && /badSquare/.test(e.message) && /reverse/.test(e.message) && /order 1/.test(e.message),
  );
  // Its forward rule is right: forward mode alone passes at order 1.
  checkGrads(badSquare, { modes: ["fwd"], order: 1 })(np.array([0.5, 1.5]));
});

test("checkGrads throws on a wrong defjvp, naming the mode", () => {
  const badExp = primitive(function badExp(x: Tensor) {
    return np.exp(x);
  });
  defvjp(badExp, (ans) => (g) => np.multiply(g, ans));
  defjvp(badExp, (t, _ans, x) => np.multiply(t, x));
  assert.throws(
    () => checkGrads(badExp)(np.array([0.5, 1.5])),
    (e: unknown) => e instanceof NotDifferentiableError && /badExp/.test(e.message) && /forward/.test(e.message) && /order 1/.test(e.message),
  );
  checkGrads(badExp, { modes: ["rev"] })(np.array([0.5, 1.5]));
});

test("checkGrads catches a rule right at order 1 but not differentiable at order 2", () => {
  // d/dx x² = 2x, but the rule freezes x: its own derivative is 0 instead of 2.
  const frozen = primitive(function frozenSquare(x: Tensor) {
    return np.multiply(x, x);
  });
  defvjp(frozen, (_ans, x) => (g) => np.multiply(g, np.multiply(2, stopGradient(x))));
  checkGrads(frozen, { modes: ["rev"], order: 1 })(np.array([0.5, 1.5]));
  assert.throws(
    () => checkGrads(frozen, { modes: ["rev"], order: 2 })(np.array([0.5, 1.5])),
    (e: unknown) => e instanceof NotDifferentiableError && /frozenSquare/.test(e.message) && /order 2/.test(e.message),
  );
});

test("stopGradient: a constant for every transform, same value", () => {
  const f = (x: Tensor) => np.multiply(x, stopGradient(x));
  close(f(np.array(3)), 9);
  num(grad(f)(3), 3);
  const [, t] = jvp(f, [3], [1]);
  close(t, 3);
  num(grad(grad(f))(3), 0);
  num(grad((x: Tensor) => np.sum(stopGradient(np.multiply(x, x))))(2), 0);
});

test("checkpoint: same values and gradients (orders 1 and 2), recomputes in the backward pass", () => {
  let calls = 0;
  const inner = (a: Tensor, b: Tensor) => {
    calls++;
    return np.multiply(np.sin(np.multiply(a, b)), a);
  };
  const cp = checkpoint(inner);
  const x = np.array([0.3, -1.1]);
  const y = np.array([2.0, 0.5]);
  close(cp(x, y), (inner(x, y).toArray() as number[]));
  const plain = (a: Tensor, b: Tensor) => np.sum(inner(a, b));
  const ck = (a: Tensor, b: Tensor) => np.sum(cp(a, b));
  const [gp0, gp1] = grad(plain, [0, 1])(x, y);
  calls = 0;
  const [gc0, gc1] = grad(ck, [0, 1])(x, y);
  assert.ok(calls >= 2, `the checkpointed function runs again in the backward pass (ran ${calls} times)`);
  close(gc0, gp0.toArray() as number[]);
  close(gc1, gp1.toArray() as number[]);
  // d/da [a sin(ab)] = sin(ab) + ab cos(ab) (by hand).
  close(gc0, [0, 1].map((i) => {
    const a = [0.3, -1.1][i], b = [2.0, 0.5][i];
    return Math.sin(a * b) + a * b * Math.cos(a * b);
  }));
  close(hessian((a: Tensor) => ck(a, y))(x), hessian((a: Tensor) => plain(a, y))(x).toArray() as number[][]);
  checkGrads(ck, { order: 2 })(x, y);
});

test("checkGrads on float32 arguments uses float32 tolerances", () => {
  const f = (x: Tensor) => np.sum(np.multiply(np.sin(x), np.exp(x)));
  checkGrads(f)(np.array([0.3, -0.8, 1.1], "float32"));
  const wrong = primitive(function wrongF32(x: Tensor) {
    return np.sin(x);
  });
  defvjp(wrong, (_ans, x) => (g) => np.multiply(g, np.multiply(1.1, np.cos(x))));
  assert.throws(() => checkGrads(wrong, { modes: ["rev"] })(np.array([0.3, -0.8], "float32")), /wrongF32/);
});
