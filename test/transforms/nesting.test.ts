// Nested transforms, closures over outer tracers, all four mode pairs, JS control flow on values,
// float32 in float32 out, numbers in numbers out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, jvp, vjp, jacobian, jacfwd, jacrev, hessian, valueAndGrad, Tensor } from "../../src/index.js";
import { sliceAxis } from "../../src/ops/join.js";
import { close, num } from "./helpers.js";

const sin = (x: Tensor) => np.sin(x);

test("grad(grad(f)) and higher orders", () => {
  num(grad(grad(sin))(0.7), -Math.sin(0.7));
  num(grad(grad(grad(sin)))(0.7), -Math.cos(0.7));
  num(grad(grad(grad(grad(sin))))(0.7), Math.sin(0.7));
  // x^5: 5x^4, 20x^3, 60x^2 at x = 2.
  const p5 = (x: Tensor) => np.power(x, 5);
  num(grad(p5)(2), 80);
  num(grad(grad(p5))(2), 160);
  num(grad(grad(grad(p5)))(2), 240);
});

test("jacobian(jacobian(f)): f(v) = v * sum(v) has d²f_i/dv_j dv_k = δ_ij + δ_ik", () => {
  const want: number[][][] = [];
  for (let i = 0; i < 3; i++) {
    want.push([]);
    for (let j = 0; j < 3; j++) {
      want[i].push([]);
      for (let k = 0; k < 3; k++) want[i][j].push((i === j ? 1 : 0) + (i === k ? 1 : 0));
    }
  }
  const fv = (v: Tensor) => np.multiply(v, np.sum(v));
  close(jacobian(jacobian(fv))(np.array([1, 2, 3])), want, 1e-12, [3, 3, 3]);
  close(jacobian(jacobian(fv, { mode: "fwd" }))(np.array([1, 2, 3])), want, 1e-12, [3, 3, 3]);
});

test("jvp of grad and grad of jvp give the second derivative", () => {
  const f = (x: Tensor) => np.multiply(np.sin(x), np.exp(x));
  // f'' = 2 e^x cos x
  const want = 2 * Math.exp(0.4) * Math.cos(0.4);
  const [g, gdot] = jvp(grad(f), [0.4], [1]);
  close(g, Math.exp(0.4) * (Math.sin(0.4) + Math.cos(0.4)));
  close(gdot, want);
  num(grad((x: Tensor) => jvp(f, [x], [1])[1])(0.4), want);
  // vjp of jvp, jvp of vjp.
  const [, pb] = vjp((x: Tensor) => jvp(f, [x], [1])[1], 0.4);
  num(pb(1)[0], want);
  const [, t] = jvp((x: Tensor) => vjp(f, x)[1](1)[0], [0.4], [1]);
  close(t, want);
});

test("closures over outer tracers: no perturbation confusion", () => {
  // d/dx [x * d/dy (x y)] = d/dx x² = 2x.
  num(grad((x: Tensor) => np.multiply(x, grad((y: Tensor) => np.multiply(x, y))(2)))(3), 6);
  // d/dx [x * d/dy (x + y)] = d/dx x = 1 (the inner derivative must not see x's perturbation).
  num(grad((x: Tensor) => np.multiply(x, grad((y: Tensor) => np.add(x, y))(2)))(3), 1);
  // The same in forward mode and mixed.
  const [, t1] = jvp((x: Tensor) => np.multiply(x, jvp((y: Tensor) => np.add(x, y), [2], [1])[1]), [3], [1]);
  close(t1, 1);
  const [, t2] = jvp((x: Tensor) => np.multiply(x, grad((y: Tensor) => np.multiply(x, y))(2)), [3], [1]);
  close(t2, 6);
  num(grad((x: Tensor) => np.multiply(x, jvp((y: Tensor) => np.multiply(x, y), [2], [1])[1]))(3), 6);
  // An inner function closing over x and y of two outer levels.
  const h = (x: Tensor) => grad((y: Tensor) => np.multiply(np.multiply(x, x), np.multiply(y, y)))(1);
  // h(x) = 2 x² (at y = 1), h'(x) = 4x.
  num(grad(h)(1.5), 6);
});

function rosen(x: Tensor): Tensor {
  const n = x.shape[0];
  const head = sliceAxis(x, 0, 0, n - 1);
  const d = np.subtract(sliceAxis(x, 0, 1, n), np.multiply(head, head));
  const e = np.subtract(1, head);
  return np.sum(np.add(np.multiply(100, np.multiply(d, d)), np.multiply(e, e)));
}

test("all four forward/reverse pairs agree on a Hessian", () => {
  const x = [1.2, 0.8, -0.5];
  const want = [
    [2 + 1200 * 1.44 - 400 * 0.8, -400 * 1.2, 0],
    [-400 * 1.2, 200 + 2 + 1200 * 0.64 - 400 * -0.5, -400 * 0.8],
    [0, -400 * 0.8, 200],
  ];
  const t = np.array(x);
  close(jacfwd(jacfwd(rosen))(t), want, 1e-10, [3, 3]);
  close(jacfwd(jacrev(rosen))(t), want, 1e-10, [3, 3]);
  close(jacrev(jacfwd(rosen))(t), want, 1e-10, [3, 3]);
  close(jacrev(jacrev(rosen))(t), want, 1e-10, [3, 3]);
  close(hessian(rosen)(t), want, 1e-10, [3, 3]);
});

test("piecewise functions and JS control flow on traced values", () => {
  const pw = (x: Tensor) => (x.item() > 0 ? np.multiply(x, x) : np.negative(x));
  num(grad(pw)(3), 6);
  num(grad(pw)(-2), -1);
  // while on a value: doubles until >= 10; from 1 that is 4 doublings, so f(x) = 16x near 1.
  const loop = (x: Tensor) => {
    let y = x;
    while (y.item() < 10) y = np.multiply(y, 2);
    return y;
  };
  num(grad(loop)(1), 16);
  num(grad(loop)(3), 4);
  const [, t] = jvp(loop, [1], [1]);
  close(t, 16);
  // Recursion and toArray on tracers.
  const pow = (x: Tensor, n: number): Tensor => (n === 0 ? np.onesLike(x) : np.multiply(x, pow(x, n - 1)));
  num(grad((x: Tensor) => pow(x, 4))(2), 32);
  // Values read with toArray are constants: d/dv sum(v * v[0]) with v[0] frozen is v[0] everywhere.
  close(grad((v: Tensor) => np.sum(np.multiply(v, (v.toArray() as number[])[0])))([3, 4]), [3, 3]);
});

test("float32 inputs give float32 derivatives; int inputs outside argnums pass through", () => {
  const x32 = np.array([0.5, 1.5], "float32");
  const g = grad((a: Tensor) => np.sum(np.sin(a)))(x32);
  assert.equal(g.dtype, "float32");
  close(g, [Math.cos(0.5), Math.cos(1.5)], 1e-6);
  const [, t] = jvp((a: Tensor) => np.exp(a), [x32], [np.array([1, 1], "float32")]);
  assert.equal((t as Tensor).dtype, "float32");
  const J = jacobian((a: Tensor) => np.multiply(a, a))(x32);
  assert.equal(J.dtype, "float32");
  assert.equal(jacobian((a: Tensor) => np.multiply(a, a), { mode: "fwd" })(x32).dtype, "float32");
  assert.equal(hessian((a: Tensor) => np.sum(np.power(a, 3)))(x32).dtype, "float32");
  // float64 tangents for a float32 primal are cast to float32.
  const [, t64] = jvp((a: Tensor) => np.exp(a), [x32], [np.array([1, 1])]);
  assert.equal((t64 as Tensor).dtype, "float32");
  const idx = np.array([2, 3], "int32");
  close(grad((a: Tensor, k: Tensor) => np.sum(np.multiply(a, k)))(np.array([1, 1]), idx), [2, 3]);
});

test("numbers in, numbers out", () => {
  const f = (x: Tensor) => np.multiply(x, np.multiply(x, x));
  num(grad(f)(2), 12);
  num(grad(grad(f))(2), 12);
  const [v, g] = valueAndGrad(f)(2);
  close(v, 8);
  num(g, 12);
  const [gx, gy] = grad((x: Tensor, y: Tensor) => np.multiply(x, y), [0, 1])(2, 5);
  num(gx, 5);
  num(gy, 2);
  // A constant function: zero gradient, still a number.
  num(grad((_x: Tensor) => np.array(1.0))(2), 0);
});
