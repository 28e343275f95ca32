// jacobian (both modes), jacfwd, jacrev, hessian and hvp: shapes out.shape ++ in.shape, closed forms.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, jacobian, jacfwd, jacrev, hessian, hvp, grad, Tensor, ArgumentError } from "../../src/index.js";
import { sliceAxis } from "../../src/ops/join.js";
import { close, num } from "./helpers.js";

const modes = ["rev", "fwd"] as const;

test("jacobian: 0-d in and out, tensors and numbers", () => {
  for (const mode of modes) {
    num(jacobian((x: Tensor) => np.sin(x), { mode })(0.3), Math.cos(0.3));
    const j = jacobian((x: Tensor) => np.sin(x), { mode })(np.array(0.3));
    assert.ok(j instanceof Tensor);
    close(j, Math.cos(0.3), 1e-12, []);
  }
});

test("jacobian: 1-d to 1-d (v * sum(v): J = diag(S) + v 1ᵀ)", () => {
  const v = np.array([1, 2, 3]);
  const want = [[7, 1, 1], [2, 8, 2], [3, 3, 9]];
  for (const mode of modes) close(jacobian((a: Tensor) => np.multiply(a, np.sum(a)), { mode })(v), want, 1e-12, [3, 3]);
  close(jacfwd((a: Tensor) => np.multiply(a, np.sum(a)))(v), want, 1e-12, [3, 3]);
  close(jacrev((a: Tensor) => np.multiply(a, np.sum(a)))(v), want, 1e-12, [3, 3]);
});

test("jacobian: 2-d in, 0-d out; 0-d in, 2-d out; 2-d in, 1-d out", () => {
  const A = np.array([[1, 2, 3], [4, 5, 6]]);
  const M = np.array([[1, -1, 2], [0, 3, 5]]);
  for (const mode of modes) {
    close(jacobian((a: Tensor) => np.sum(np.multiply(a, a)), { mode })(A), [[2, 4, 6], [8, 10, 12]], 1e-12, [2, 3]);
    close(jacobian((x: Tensor) => np.multiply(x, M), { mode })(np.array(2)), [[1, -1, 2], [0, 3, 5]], 1e-12, [2, 3]);
    // A number in with a non-scalar out gives a tensor of the output's shape.
    close(jacobian((x: Tensor) => np.multiply(x, M), { mode })(2), [[1, -1, 2], [0, 3, 5]], 1e-12, [2, 3]);
    // J[i, j, k] = δ_ij for the row sums.
    const rowSums = jacobian((a: Tensor) => np.sum(a, 1), { mode })(A);
    close(rowSums, [[[1, 1, 1], [0, 0, 0]], [[0, 0, 0], [1, 1, 1]]], 1e-12, [2, 2, 3]);
    // 2-d to 2-d: elementwise square has J[i,j,k,l] = 2 A_ij δ_ik δ_jl.
    const sq = jacobian((a: Tensor) => np.multiply(a, a), { mode })(np.array([[1, 2], [3, 4]]));
    close(sq, [[[[2, 0], [0, 0]], [[0, 4], [0, 0]]], [[[0, 0], [6, 0]], [[0, 0], [0, 8]]]], 1e-12, [2, 2, 2, 2]);
  }
});

test("jacobian: pytrees in and out nest output outside, input inside", () => {
  const fn = (p: { a: Tensor; b: Tensor }) => [np.multiply(p.a, p.b), np.sum(p.a)];
  const p = { a: np.array([1, 2]), b: np.array(3) };
  for (const mode of modes) {
    const J = jacobian(fn, { mode })(p);
    assert.equal(J.length, 2);
    const [j0, j1] = J as unknown as [{ a: Tensor; b: Tensor }, { a: Tensor; b: Tensor }];
    close(j0.a, [[3, 0], [0, 3]], 1e-12, [2, 2]);
    close(j0.b, [1, 2], 1e-12, [2]);
    close(j1.a, [1, 1], 1e-12, [2]);
    close(j1.b, 0, 1e-12, []);
  }
});

test("jacobian: argnums array gives one block per argument", () => {
  const fn = (x: Tensor, y: Tensor) => np.multiply(x, np.sin(y));
  for (const mode of modes) {
    const [jx, jy] = jacobian(fn, { argnums: [0, 1], mode })(np.array([1, 2]), np.array([0.5, 0.25]));
    close(jx, [[Math.sin(0.5), 0], [0, Math.sin(0.25)]], 1e-12, [2, 2]);
    close(jy, [[Math.cos(0.5), 0], [0, 2 * Math.cos(0.25)]], 1e-12, [2, 2]);
    const jy1 = jacobian(fn, { argnums: 1, mode })(np.array([1, 2]), np.array([0.5, 0.25]));
    close(jy1, [[Math.cos(0.5), 0], [0, 2 * Math.cos(0.25)]], 1e-12, [2, 2]);
  }
  assert.throws(() => jacobian(fn, { mode: "sideways" as "rev" }), ArgumentError);
  assert.throws(() => jacobian(fn, 2)(1, 2), (e: unknown) => e instanceof ArgumentError && /argnums/.test(e.message));
});

// Rosenbrock: sum(100 (x[1:] - x[:-1]²)² + (1 - x[:-1])²).
function rosen(x: Tensor): Tensor {
  const n = x.shape[0];
  const head = sliceAxis(x, 0, 0, n - 1);
  const tail = sliceAxis(x, 0, 1, n);
  const d = np.subtract(tail, np.multiply(head, head));
  const e = np.subtract(1, head);
  return np.sum(np.add(np.multiply(100, np.multiply(d, d)), np.multiply(e, e)));
}

/** The closed-form Rosenbrock Hessian. */
function rosenHessian(x: number[]): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n - 1; i++) {
    H[i][i] += 2 + 1200 * x[i] * x[i] - 400 * x[i + 1];
    H[i][i + 1] -= 400 * x[i];
    H[i + 1][i] -= 400 * x[i];
    H[i + 1][i + 1] += 200;
  }
  return H;
}

test("hessian: Rosenbrock matches the closed form; shape in ++ in", () => {
  const xs = [1.2, 0.8, -0.5, 0.3];
  const H = hessian(rosen)(np.array(xs));
  close(H, rosenHessian(xs), 1e-10, [4, 4]);
  // Reverse-over-reverse agrees.
  close(jacrev(grad(rosen))(np.array(xs)), rosenHessian(xs), 1e-10, [4, 4]);
  // 2-d input: sum(A³) has H[i,j,k,l] = 6 A_ij δ_ik δ_jl.
  const H4 = hessian((a: Tensor) => np.sum(np.power(a, 3)))(np.array([[1, 2], [3, 4]]));
  close(H4, [[[[6, 0], [0, 0]], [[0, 12], [0, 0]]], [[[0, 0], [18, 0]], [[0, 0], [0, 24]]]], 1e-12, [2, 2, 2, 2]);
  // A number in: a number out.
  num(hessian((x: Tensor) => np.power(x, 4))(2), 12 * 4);
});

test("hvp equals H·v", () => {
  const xs = [1.2, 0.8, -0.5, 0.3];
  const v = [1, -2, 0.5, 3];
  const H = rosenHessian(xs);
  const want = H.map((row) => row.reduce((s, h, j) => s + h * v[j], 0));
  close(hvp(rosen)(np.array(xs), np.array(v)), want, 1e-10, [4]);
  close(hvp(rosen)(np.array(xs), v), want, 1e-10, [4]);
});
