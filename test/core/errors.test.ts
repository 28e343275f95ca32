// Conventions and errors: each failure is a typed ChainruleError whose message names the
// operation, the offending shapes or dtypes, and the fix.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  np, grad, jvp, vjp, jacobian, checkGrads, primitive, defvjp, Tensor,
  ChainruleError, ShapeError, DTypeError, ArgumentError, NotDifferentiableError,
} from "../../src/index.js";

/** Asserts fn throws an instance of `type` whose message matches every pattern. */
function throwsLike(fn: () => unknown, type: new (...a: never[]) => Error, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    assert.ok(e instanceof ChainruleError, "every error is a ChainruleError");
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

test("grad of a non-scalar output", () => {
  throwsLike(() => grad((x: Tensor) => np.multiply(x, x))(np.array([1, 2])), ShapeError, /^grad/, /scalar/, /\(2,\)/, /jacobian|vjp|elementwiseGrad/);
  throwsLike(() => grad((x: Tensor) => [x, x])(1), ShapeError, /^grad/, /2 leaves/);
});

test("grad of an integer output, and with respect to an int32 or bool tensor", () => {
  throwsLike(() => grad((x: Tensor) => np.sum(x).astype("int32"))(np.array([1, 2])), DTypeError, /^grad/, /int32/, /float/);
  throwsLike(() => grad((x: Tensor) => np.sum(x))(np.array([1, 2], "int32")), DTypeError, /^grad/, /argument 0/, /int32/, /astype/);
  throwsLike(() => jacobian((x: Tensor) => x)(np.array([true, false])), DTypeError, /^jacobian/, /bool/);
  throwsLike(() => jvp((x: Tensor) => x, [np.array([1], "int32")], [np.array([1])]), DTypeError, /^jvp/, /int32/);
});

test("a primitive without a rule for the requested mode", () => {
  const onlyRev = primitive(function onlyReverse(x: Tensor) {
    return np.multiply(x, 2);
  });
  defvjp(onlyRev, () => (g) => np.multiply(g, 2));
  assert.equal(grad((x: Tensor) => onlyRev(x))(1), 2);
  throwsLike(() => jvp((x: Tensor) => onlyRev(x), [1], [1]), NotDifferentiableError, /onlyReverse/, /forward-mode|JVP/, /defjvp/);
  const none = primitive(function noRules(x: Tensor) {
    return np.multiply(x, 2);
  });
  throwsLike(() => grad((x: Tensor) => none(x))(1), NotDifferentiableError, /noRules/, /VJP/, /defvjp/);
  // Eager use needs no rule.
  assert.deepEqual(none(np.array([1, 2])).toArray(), [2, 4]);
  // checkGrads on it reports the missing rule too.
  assert.throws(() => checkGrads((x: Tensor) => none(x))(np.array([1])), NotDifferentiableError);
});

test("an escaped tracer", () => {
  let leaked: Tensor | null = null;
  grad((x: Tensor) => {
    leaked = x;
    return np.multiply(x, x);
  })(2);
  throwsLike(() => np.add(leaked as unknown as Tensor, 1), ArgumentError, /escaped/, /return it/);
  let leakedFwd: Tensor | null = null;
  jvp((x: Tensor) => (leakedFwd = np.sin(x)), [1], [1]);
  throwsLike(() => np.multiply(leakedFwd as unknown as Tensor, 2), ArgumentError, /escaped/);
  // Reading a value from it is still fine (values are concrete).
  assert.equal((leaked as unknown as Tensor).item(), 2);
});

test("incompatible broadcast names the operation and the shapes, also under transforms", () => {
  throwsLike(() => np.add(np.ones([2, 3]), np.ones([4])), ShapeError, /^add/, /\(2, 3\)/, /\(4,\)/);
  throwsLike(() => grad((x: Tensor) => np.sum(np.multiply(x, np.ones([4]))))(np.ones([2, 3])), ShapeError, /^multiply/, /\(2, 3\)/, /\(4,\)/);
});

test("bad axis", () => {
  throwsLike(() => np.sum(np.ones([2, 3]), 2), ShapeError, /^sum/, /axis 2/, /dimension 2/);
  throwsLike(() => np.sum(np.ones([2, 3]), { axis: -3 }), ShapeError, /^sum/, /axis -3/);
});

test("transform arguments: argnums, hasAux, primals and cotangents", () => {
  throwsLike(() => grad((x: Tensor) => x, 3)(1), ArgumentError, /^grad/, /argnums 3/, /1 argument/);
  throwsLike(() => grad((x: Tensor, _y: Tensor) => x, [0, 1.5])(1, 2), ArgumentError, /argnums/);
  throwsLike(() => grad((x: Tensor, _y: Tensor) => x, [0, -2])(1, 2), ArgumentError, /argnums/, /twice/);
  throwsLike(() => grad((x: Tensor) => x, { hasAux: true })(1), ArgumentError, /hasAux/, /\[value, aux\]/);
  throwsLike(() => jvp((x: Tensor) => x, [1, 2] as unknown as [Tensor], [1]), ArgumentError, /^jvp/, /same length/);
  const [, pb] = vjp((x: Tensor) => np.multiply(x, 2), np.ones([2, 2]));
  throwsLike(() => pb(np.ones([4])), ShapeError, /^vjp/, /\(4,\)/, /\(2, 2\)/);
  throwsLike(() => checkGrads((x: Tensor) => x, { modes: ["both" as "fwd"] }), ArgumentError, /checkGrads/, /mode/);
});
