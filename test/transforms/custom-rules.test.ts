// customVjp and customJvp: the given rule is used in its mode, f's body in the other, and
// rules written in differentiable ops give higher derivatives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, jvp, checkGrads, customVjp, customJvp, Tensor, ArgumentError, NotDifferentiableError } from "../../src/index.js";
import { close, num } from "./helpers.js";

const sigmoid = (x: Tensor) => np.divide(1, np.add(1, np.exp(np.negative(x))));

test("customVjp: residuals from fwd, bwd used for gradients of order 1 and 2", () => {
  let fwdCalls = 0;
  const softplus = customVjp(
    function softplus(x: Tensor) {
      return np.log(np.add(1, np.exp(x)));
    },
    (x: Tensor) => {
      fwdCalls++;
      return [np.log(np.add(1, np.exp(x))), sigmoid(x)] as const;
    },
    (s: Tensor, g: Tensor) => [np.multiply(g, s)],
  );
  // Plain calls run f only.
  close(softplus(np.array([0, 1])), [Math.log(2), Math.log(1 + Math.E)]);
  assert.equal(fwdCalls, 0);
  const s = (x: number) => 1 / (1 + Math.exp(-x));
  num(grad((x: Tensor) => softplus(x))(0.3), s(0.3));
  assert.equal(fwdCalls, 1, "the residuals saved by the forward pass are reused");
  // σ' = σ(1 - σ): through the residuals recomputed on tracers.
  num(grad(grad((x: Tensor) => softplus(x)))(0.3), s(0.3) * (1 - s(0.3)));
  // Forward mode differentiates f.
  const [, t] = jvp((x: Tensor) => softplus(x), [0.3], [1]);
  close(t, s(0.3));
  checkGrads((x: Tensor) => softplus(x), { order: 2 })(np.array([-0.5, 0.7]));
});

test("customVjp: the rule replaces the derivative in reverse mode only; two arguments, null cotangent", () => {
  const scaled = customVjp(
    function twiceGrad(x: Tensor, y: Tensor) {
      return np.multiply(x, y);
    },
    (x: Tensor, y: Tensor) => [np.multiply(x, y), [x, y]] as const,
    ([, y]: readonly [Tensor, Tensor], g: Tensor) => [np.multiply(np.multiply(2, g), y), null],
  );
  num(grad((x: Tensor) => scaled(x, 3))(1), 6);
  num(grad((y: Tensor) => scaled(2, y))(1), 0);
  const [, t] = jvp((x: Tensor) => scaled(x, 3), [1], [1]);
  close(t, 3);
  // checkGrads sees the deliberate mismatch.
  assert.throws(() => checkGrads((x: Tensor) => scaled(x, 3), { modes: ["rev"] })(np.array([1, 2])), (e: unknown) => e instanceof NotDifferentiableError && /reverse/.test(e.message));
  const bad = customVjp((x: Tensor) => np.sin(x), (x: Tensor) => [np.sin(x), x] as const, () => []);
  assert.throws(() => grad((x: Tensor) => bad(x))(1), (e: unknown) => e instanceof ArgumentError && /one per argument/.test(e.message));
});

test("customJvp: the rule in forward mode, f's body in reverse mode", () => {
  const sinWithRule = customJvp(
    function sinR(x: Tensor) {
      return np.sin(x);
    },
    ([x], [t]) => np.multiply(t, np.cos(x)),
  );
  close(sinWithRule(0.5), Math.sin(0.5));
  const [o, t] = jvp((x: Tensor) => sinWithRule(x), [0.5], [2]);
  close(o, Math.sin(0.5));
  close(t, 2 * Math.cos(0.5));
  num(grad((x: Tensor) => sinWithRule(x))(0.5), Math.cos(0.5));
  // Second order in forward mode goes through the rule's own ops: d²/dx² sin = -sin.
  const [, t2] = jvp((x: Tensor) => jvp((y: Tensor) => sinWithRule(y), [x], [1])[1], [0.5], [1]);
  close(t2, -Math.sin(0.5));
  checkGrads((x: Tensor) => sinWithRule(x), { order: 2 })(np.array([0.1, 1.2]));
  // A deliberately different forward rule shows up in forward mode only.
  const lying = customJvp((x: Tensor) => np.sin(x), (_p, [tt]) => np.multiply(tt, 10));
  close(jvp((x: Tensor) => lying(x), [0.5], [1])[1], 10);
  num(grad((x: Tensor) => lying(x))(0.5), Math.cos(0.5));
});
