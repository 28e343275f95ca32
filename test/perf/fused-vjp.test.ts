// The fused first-order VJPs of the unary ops (ops/kernel-wrap.ts fusedUnaryVjp): one pass that
// must give exactly what the rule written in ops gives, in float64 (the Math.* derivative
// formula) and in float32 (every intermediate rounded to float32, as the ops store it), on
// contiguous, strided and broadcast operands, and leave higher orders to the op-written rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, vjp, jvp, Tensor } from "../../src/index.js";

const f = Math.fround;
const id = (v: number): number => v;

// g * d/dx of each op at x, from its output y, with every intermediate rounded by r: the
// formulas of the rules in ops/unary.ts (derivatives worked out by hand).
type Deriv = (g: number, x: number, y: number, r: (v: number) => number) => number;
const DERIV: Record<string, Deriv> = {
  tanh: (g, _x, y, r) => r(g * r(1 - r(y * y))),
  exp: (g, _x, y, r) => r(g * y),
  log1p: (g, x, _y, r) => r(g / r(x + 1)),
  log: (g, x, _y, r) => r(g / x),
  sqrt: (g, _x, y, r) => r(r(g * 0.5) / y),
  sin: (g, x, _y, r) => r(g * r(Math.cos(x))),
  cos: (g, x, _y, r) => -r(g * r(Math.sin(x))),
  square: (g, x, _y, r) => r(g * r(x * 2)),
  tan: (g, x, _y, r) => r(g / r(r(Math.cos(x)) * r(Math.cos(x)))),
  arcsin: (g, x, _y, r) => r(g / r(Math.sqrt(r(1 - r(x * x))))),
  arccos: (g, x, _y, r) => -r(g / r(Math.sqrt(r(1 - r(x * x))))),
  arctan: (g, x, _y, r) => r(g / r(1 + r(x * x))),
  sinh: (g, x, _y, r) => r(g * r(Math.cosh(x))),
  cosh: (g, x, _y, r) => r(g * r(Math.sinh(x))),
  arcsinh: (g, x, _y, r) => r(g / r(Math.sqrt(r(r(x * x) + 1)))),
  arccosh: (g, x, _y, r) => r(g / r(Math.sqrt(r(r(x * x) - 1)))),
  arctanh: (g, x, _y, r) => r(g / r(1 - r(x * x))),
  // The constants of these rules are weak scalars, which meet float32 arrays as float32.
  exp2: (g, _x, y, r) => r(g * r(y * r(Math.LN2))),
  expm1: (g, _x, y, r) => r(g * r(y + 1)),
  log2: (g, x, _y, r) => r(g / r(x * r(Math.LN2))),
  log10: (g, x, _y, r) => r(g / r(x * r(Math.LN10))),
  reciprocal: (g, _x, y, r) => -r(g * r(y * y)),
};
// Maps the shared inputs (0.05 to 2.95) into each op's domain.
const DOMAIN: Record<string, (x: number) => number> = {
  arcsin: (x) => x / 3, arccos: (x) => x / 3, arctanh: (x) => x / 3, arccosh: (x) => x + 1, tan: (x) => x / 2,
};
const FWD: Record<string, (x: number) => number> = {
  tanh: Math.tanh, exp: Math.exp, log1p: Math.log1p, log: Math.log, sqrt: Math.sqrt, sin: Math.sin, cos: Math.cos, square: (x) => x * x,
  tan: Math.tan, arcsin: Math.asin, arccos: Math.acos, arctan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, arcsinh: Math.asinh,
  arccosh: Math.acosh, arctanh: Math.atanh, exp2: (x) => 2 ** x, expm1: Math.expm1, log2: Math.log2, log10: Math.log10, reciprocal: (x) => 1 / x,
};
type Unary = (x: Tensor) => Tensor;
const op = (name: string): Unary => (np as unknown as Record<string, Unary>)[name];

// Inputs inside every op's domain (log, sqrt need x > 0), not exactly representable round values.
const xs = Array.from({ length: 3000 }, (_, i) => 0.05 + (i * 0.6180339887) % 2.9);

for (const dtype of ["float64", "float32"] as const) {
  const r = dtype === "float32" ? f : id;
  for (const name of Object.keys(DERIV)) {
    test(`${name} ${dtype}: grad of sum is the derivative formula, exactly`, () => {
      const dom = DOMAIN[name] ?? ((v: number) => v);
      const vals = xs.map(dom);
      const x = np.array(vals, dtype);
      const g = grad((t: Tensor) => np.sum(op(name)(t)))(x) as Tensor;
      assert.equal(g.dtype, dtype);
      assert.deepEqual(g.shape, [xs.length]);
      const got = g.toTypedArray();
      // Forward mode uses the same formula on the tangent: a tangent of 3 everywhere.
      const [, tan] = jvp(op(name), [x], [np.full([vals.length], 3, dtype)]);
      const gotT = (tan as Tensor).toTypedArray();
      assert.equal((tan as Tensor).dtype, dtype);
      for (let i = 0; i < xs.length; i++) {
        const xi = r(vals[i]);
        const y = r(FWD[name](xi));
        const want = DERIV[name](1, xi, y, r);
        if (got[i] !== want) assert.fail(`${name}'(${xi}) = ${got[i]}, expected ${want}`);
        const wantT = DERIV[name](3, xi, y, r);
        if (gotT[i] !== wantT) assert.fail(`jvp ${name}'(${xi}) * 3 = ${gotT[i]}, expected ${wantT}`);
      }
    });
  }

  test(`fused VJP ${dtype}: strided input, broadcast and full cotangents`, () => {
    // x is a transposed view (strides (1, 3)); the cotangent is a full array, then a broadcast scalar.
    const base = np.reshape(np.array(xs.slice(0, 12), dtype), [4, 3]);
    const x = np.transpose(base);
    const cts = np.reshape(np.array(xs.slice(100, 112).map((v) => v - 1), dtype), [3, 4]);
    const [y, pullback] = vjp(np.tanh, x);
    const [gx] = pullback(cts) as unknown as [Tensor];
    const [gs] = pullback(np.broadcastTo(np.array(2, dtype), [3, 4])) as unknown as [Tensor];
    assert.deepEqual(gx.shape, [3, 4]);
    assert.equal(gx.dtype, dtype);
    const xv = x.toArray() as number[][], yv = y.toArray() as number[][], cv = cts.toArray() as number[][];
    const gv = gx.toArray() as number[][], sv = gs.toArray() as number[][];
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++) {
        const d = r(1 - r(yv[i][j] * yv[i][j]));
        assert.equal(yv[i][j], r(Math.tanh(xv[i][j])));
        assert.equal(gv[i][j], r(cv[i][j] * d));
        assert.equal(sv[i][j], r(2 * d));
      }
  });
}

test("higher orders still go through the op-written rules", () => {
  // tanh'' = -2 tanh (1 - tanh^2); log1p'' = -1 / (1 + x)^2; sin'' = -sin.
  const x = 0.3;
  const t = Math.tanh(x);
  const d2 = (h: (v: Tensor) => Tensor): number =>
    Number((grad(grad(h) as unknown as (v: Tensor) => Tensor) as unknown as (v: Tensor) => Tensor)(np.array(x)).item());
  assert.ok(Math.abs(d2(np.tanh) - -2 * t * (1 - t * t)) < 1e-15);
  assert.ok(Math.abs(d2(np.log1p) - -1 / (1.3 * 1.3)) < 1e-15);
  assert.ok(Math.abs(d2(np.sin) - -Math.sin(x)) < 1e-15);
  // Forward over reverse: the JVP of the gradient of cos is -cos.
  const [, tan] = jvp((v: Tensor) => grad(np.cos)(v) as Tensor, [np.array(x)], [np.array(1)]);
  assert.ok(Math.abs((tan as Tensor).item() as number - -Math.cos(x)) < 1e-15);
});

test("0-d inputs take the fused path too", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const r = dtype === "float32" ? f : id;
    const x = np.array(0.7, dtype);
    const g = grad((t: Tensor) => np.multiply(np.log1p(t), 3))(x) as Tensor;
    assert.deepEqual(g.shape, []);
    assert.equal(g.dtype, dtype);
    assert.equal(g.item(), r(3 / r(r(0.7) + 1)));
  }
});
