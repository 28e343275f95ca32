// Semantics of the products family beyond the reference vectors: dtypes, layouts, forms of
// arguments, errors, the blocked GEMM path and higher derivatives. Expected values are worked
// out by hand or with an independent triple loop written here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, hessian, jvp, Tensor, ShapeError, ArgumentError } from "../../src/index.js";
import { rand } from "../helpers/data.js";

function close(got: Tensor, want: number[] | number, tol = 1e-12): void {
  const g = Array.from(got.toTypedArray());
  const w = typeof want === "number" ? [want] : want;
  assert.equal(g.length, w.length, `length ${g.length} vs ${w.length}`);
  for (let i = 0; i < w.length; i++) assert.ok(Math.abs(g[i] - w[i]) <= tol * (1 + Math.abs(w[i])), `[${i}] ${g[i]} vs ${w[i]}`);
}

/** Independent reference: C = A B by the textbook triple loop over nested arrays. */
function naiveMatmul(a: number[][], b: number[][]): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b[0].length; j++) {
      let s = 0;
      for (let p = 0; p < b.length; p++) s += a[i][p] * b[p][j];
      out.push(s);
    }
  return out;
}

const A = np.array([[1, 2, 3], [4, 5, 6]]);
const B = np.array([[1, 0], [0, 1], [2, -1]]);

test("matmul and dot of small matrices (hand-computed)", () => {
  // [1,2,3]·[1,0,2] = 7, [1,2,3]·[0,1,-1] = -1, [4,5,6]·[1,0,2] = 16, [4,5,6]·[0,1,-1] = -1
  const c = np.matmul(A, B);
  assert.deepEqual(c.shape, [2, 2]);
  close(c, [7, -1, 16, -1]);
  close(np.dot(A, B), [7, -1, 16, -1]);
  close(A.matmul(B), [7, -1, 16, -1]);
  close(A.dot(B), [7, -1, 16, -1]);
  // A^T: [[1,4],[2,5],[3,6]] times [1,1] = [5,7,9]
  close(np.matmul(A.T, np.array([1, 1])), [5, 7, 9]);
});

test("matmul 1-D promotion and batch broadcasting shapes", () => {
  const v3 = np.array([1, 2, 3]);
  assert.deepEqual(np.matmul(v3, v3).shape, []);
  close(np.matmul(v3, v3), 14);
  assert.deepEqual(np.matmul(rand([4, 1, 2, 3], 1), rand([5, 3, 6], 2)).shape, [4, 5, 2, 6]);
  assert.deepEqual(np.matmul(v3, rand([2, 3, 4], 3)).shape, [2, 4]);
  assert.deepEqual(np.matmul(rand([2, 4, 3], 3), v3).shape, [2, 4]);
  assert.deepEqual(np.matmul(rand([5, 3], 3), rand([2, 3, 4], 4)).shape, [2, 5, 4]);
  // Batch element 1 of a stacked product equals the product of the slices.
  const x = np.array([[[1, 0], [0, 1]], [[2, 1], [0, 3]]]);
  const y = np.array([[1, 2], [3, 4]]);
  close(np.matmul(x, y), [1, 2, 3, 4, 5, 8, 9, 12]);
  close(np.matmul(y, x), [1, 2, 3, 4, 2, 7, 6, 15]);
  assert.throws(() => np.matmul(np.array(2), v3), ShapeError);
  assert.throws(() => np.matmul(A, A), /matmul: core dimension mismatch/);
  assert.throws(() => np.matmul(rand([2, 2, 3], 1), rand([3, 3, 2], 2)), ShapeError);
});

test("dtype rules: int32 stays int32, float32 stays float32, mixed promotes", () => {
  const i = np.array([[1, 2], [3, 4]], "int32");
  const r = np.matmul(i, i);
  assert.equal(r.dtype, "int32");
  assert.deepEqual(r.toArray(), [[7, 10], [15, 22]]);
  const f = np.array([[1, 2], [3, 4]], "float32");
  assert.equal(np.matmul(f, f).dtype, "float32");
  assert.equal(np.dot(f, np.array([1, 1], "float32")).dtype, "float32");
  assert.equal(np.matmul(f, np.array([[1, 0], [0, 1]])).dtype, "float64");
  assert.equal(np.matmul(i, f).dtype, "float64");
  assert.equal(np.einsum("ij,jk->ik", i, i).dtype, "int32");
  assert.equal(np.trace(i).dtype, "int32");
  assert.deepEqual(np.trace(i).toArray(), 5);
  const bt = np.array([[true, false], [false, false]]);
  const bb = np.matmul(bt, bt);
  assert.equal(bb.dtype, "bool");
  assert.deepEqual(bb.toArray(), [[true, false], [false, false]]);
  // Scalars: dot with a weak JS number keeps the array's dtype.
  assert.equal(np.dot(f, 2).dtype, "float32");
});

test("int32 products wrap modulo 2^32 as NumPy's int32 does", () => {
  const big = np.array([[65536]], "int32");
  assert.deepEqual(np.matmul(big, big).toArray(), [[0]]);
  // (2^31 - 1)^2 + 3 * 5 = 2^62 - 2^32 + 16: float64 would round this sum; mod 2^32 it is 16.
  const m = np.array([[2147483647, 3]], "int32");
  const v = np.array([2147483647, 5], "int32");
  assert.deepEqual(np.matmul(m, v).toArray(), [16]);
});

test("blocked GEMM path matches a triple loop, for float64, float32, int32 and transposed views", () => {
  const m = 67, k = 129, n = 70; // not multiples of the tiles: edge tiles are exercised
  const a = rand([m, k], 5);
  const b = rand([k, n], 6);
  const want = naiveMatmul(a.toArray() as number[][], b.toArray() as number[][]);
  close(np.matmul(a, b), want, 1e-12);
  // The same product through transposed storage: (b^T)^T and (a^T)^T are strided views.
  const at = np.array(a.T).T;
  const bt = np.array(b.T).T;
  assert.ok(!at.isContiguous);
  close(np.matmul(at, bt), want, 1e-12);
  const a32 = a.astype("float32"), b32 = b.astype("float32");
  const want32 = naiveMatmul(a32.toArray() as number[][], b32.toArray() as number[][]);
  const r32 = np.matmul(a32, b32);
  assert.equal(r32.dtype, "float32");
  close(r32, want32, 1e-5);
  const ai = np.array(a.toArray() as number[][]).mul(10).astype("int32");
  const bi = np.array(b.toArray() as number[][]).mul(10).astype("int32");
  const ri = np.matmul(ai, bi);
  assert.equal(ri.dtype, "int32");
  assert.deepEqual(Array.from(ri.toTypedArray()), naiveMatmul(ai.toArray() as number[][], bi.toArray() as number[][]));
  // A batched large product: each batch element separately.
  const x = rand([3, 40, 50], 7);
  const y = rand([50, 45], 8);
  const r = np.matmul(x, y);
  const xs = x.toArray() as number[][][];
  close(r, xs.flatMap((xm) => naiveMatmul(xm, y.toArray() as number[][])), 1e-12);
  // Broadcast batch axes (stride 0, which cannot merge into one batch stride): (2,1) with (3,).
  const u = rand([2, 1, 40, 50], 9);
  const w = rand([3, 50, 45], 10);
  const rb = np.matmul(u, w);
  assert.deepEqual(rb.shape, [2, 3, 40, 45]);
  const us = u.toArray() as number[][][][];
  const ws = w.toArray() as number[][][];
  close(rb, us.flatMap((ui) => ws.flatMap((wj) => naiveMatmul(ui[0], wj))), 1e-12);
});

test("inner, outer, tensordot forms", () => {
  close(np.inner(np.array([1, 2, 3]), np.array([0, 1, 0])), 2);
  // inner of (2,3) with (2,3): rows dotted pairwise
  close(np.inner(A, A), [14, 32, 32, 77]);
  const o = np.outer(np.array([[1, 2]]), np.array([3, 4, 5]));
  assert.deepEqual(o.shape, [2, 3]);
  close(o, [3, 4, 5, 6, 8, 10]);
  close(np.tensordot(A, A, 2), 91);
  close(np.tensordot(A, A, [[0, 1], [0, 1]]), 91);
  close(np.tensordot(A, B, 1), [7, -1, 16, -1]);
  close(np.tensordot(A, B, { axes: [1, 0] }), [7, -1, 16, -1]);
  close(np.tensordot(A, A, [0, 0]), [17, 22, 27, 22, 29, 36, 27, 36, 45]);
  assert.deepEqual(np.tensordot(A, B, 0).shape, [2, 3, 3, 2]);
  assert.throws(() => np.tensordot(A, A, 1), /tensordot: shapes \(2, 3\) and \(2, 3\) not aligned/);
  assert.throws(() => np.tensordot(A, B, 3), ShapeError);
  assert.throws(() => np.tensordot(A, B, [[1, 1], [0, 1]]), /repeated axis/);
  assert.throws(() => np.dot(A, A), ShapeError);
});

test("einsum: explicit, implicit, ellipsis, traces, diagonals, sublists", () => {
  close(np.einsum("ij,jk->ik", A, B), [7, -1, 16, -1]);
  close(np.einsum("ij,jk", A, B), [7, -1, 16, -1]);
  close(np.einsum("ji", A), [1, 4, 2, 5, 3, 6]);
  const S = np.array([[1, 2], [3, 4]]);
  close(np.einsum("ii", S), 5);
  close(np.einsum("ii->i", S), [1, 4]);
  close(np.einsum("ij->", A), 21);
  close(np.einsum("ij->j", A), [5, 7, 9]);
  close(np.einsum("i,i", np.array([1, 2]), np.array([3, 4])), 11);
  close(np.einsum("i,j->ij", np.array([1, 2]), np.array([3, 4])), [3, 4, 6, 8]);
  // Ellipsis with broadcasting of a size-1 batch axis against 2.
  const x = np.array([[[1, 0], [0, 1]]]); // (1,2,2)
  const y = np.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]); // (2,2,2)
  const r = np.einsum("...ij,...jk->...ik", x, y);
  assert.deepEqual(r.shape, [2, 2, 2]);
  close(r, [1, 2, 3, 4, 5, 6, 7, 8]);
  // Implicit output with ellipsis keeps the broadcast axes first.
  assert.deepEqual(np.einsum("...i,i", rand([2, 3, 4], 1), rand([4], 2)).shape, [2, 3]);
  // Uppercase letters and the sublist form agree.
  close(np.einsum("Ab,bC->AC", A, B), [7, -1, 16, -1]);
  close(np.einsum(A, [0, 1], B, [1, 2], [0, 2]), [7, -1, 16, -1]);
  close(np.einsum(A, [0, 1]), [1, 2, 3, 4, 5, 6]);
  close(np.einsum(S, [0, 0]), 5);
  // A label only in one operand and in the output, broadcast from size 1 by the other's ellipsis.
  close(np.einsum("ij,ij->ij", np.array([[1, 2]]), np.array([[1, 1], [2, 2]])), [1, 2, 2, 4]);
  // NumPy's keyword arguments as a trailing options object.
  const r32 = np.einsum("ij,jk->ik", A, B, { dtype: "float32", optimize: true });
  assert.equal(r32.dtype, "float32");
  close(r32, [7, -1, 16, -1]);
  assert.throws(() => np.einsum("ij,jk->ik", A, A), /einsum: subscript 'j' has size 2/);
  assert.throws(() => np.einsum("ijk", A), /einsum: operand 0 has 2 dimension/);
  assert.throws(() => np.einsum("ij->k", A), ArgumentError);
  assert.throws(() => np.einsum("ij,jk->ik", A), ArgumentError);
});

test("kron and cross", () => {
  close(np.kron(np.array([1, 2]), np.array([1, 10, 100])), [1, 10, 100, 2, 20, 200]);
  const k = np.kron(np.array([[1, 2], [3, 4]]), np.array([[0, 1], [1, 0]]));
  assert.deepEqual(k.shape, [4, 4]);
  close(k, [0, 1, 0, 2, 1, 0, 2, 0, 0, 3, 0, 4, 3, 0, 4, 0]);
  assert.deepEqual(np.kron(np.array([1, 2]), np.array([[1, 1]])).shape, [1, 4]);
  const ex = np.array([1, 0, 0]), ey = np.array([0, 1, 0]);
  close(np.cross(ex, ey), [0, 0, 1]);
  close(np.cross(ey, ex), [0, 0, -1]);
  // 2-vectors: the z component only; a 2-vector with a 3-vector: z = 0 for the 2-vector.
  close(np.cross(np.array([1, 2]), np.array([3, 4])), -2);
  close(np.cross(np.array([1, 2]), np.array([0, 0, 1])), [2, -1, 0]);
  // Vectors along axis 0 of a (3, 2) stack, results along axis 0 too.
  const a = np.array([[1, 0], [0, 1], [0, 0]]);
  const b = np.array([[0, 0], [1, 0], [0, 1]]);
  const c = np.cross(a, b, { axis: 0 });
  assert.deepEqual(c.shape, [3, 2]);
  close(c, [0, 1, 0, 0, 1, 0]);
  assert.throws(() => np.cross(np.array([1, 2, 3, 4]), ex), /cross: incompatible dimensions/);
});

test("diagonal, trace, diag, makeDiagonal, triu, tril", () => {
  const M = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  close(np.diagonal(M), [1, 5, 9]);
  close(M.diagonal(1), [2, 6]);
  close(np.diagonal(M, { offset: -2 }), [7]);
  assert.deepEqual(np.diagonal(M, 5).shape, [0]);
  close(np.trace(M), 15);
  close(np.trace(M, 1), 8);
  close(np.trace(M, { offset: -1 }), 12);
  close(np.trace(M, 5), 0);
  const t32 = np.trace(M, { dtype: "float32" });
  assert.equal(t32.dtype, "float32");
  close(t32, 15);
  const T = rand([2, 3, 4], 9);
  assert.deepEqual(np.diagonal(T, { axis1: 0, axis2: 2 }).shape, [3, 2]);
  assert.deepEqual(np.trace(T, { axis1: 1, axis2: 2 }).shape, [2]);
  close(np.diag(np.array([1, 2]), 1), [0, 1, 0, 0, 0, 2, 0, 0, 0]);
  close(np.diag(M, -1), [4, 8]);
  const D = np.makeDiagonal(np.array([[1, 2], [3, 4]]));
  assert.deepEqual(D.shape, [2, 2, 2]);
  close(D, [1, 0, 0, 2, 3, 0, 0, 4]);
  close(np.triu(M), [1, 2, 3, 0, 5, 6, 0, 0, 9]);
  close(np.triu(M, -1), [1, 2, 3, 4, 5, 6, 0, 8, 9]);
  close(np.tril(M, 1), [1, 2, 0, 4, 5, 6, 7, 8, 9]);
  close(np.tril(M, { k: -3 }), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
  // A 1-D input is a row repeated into a square matrix (as NumPy).
  close(np.triu(np.array([1, 2])), [1, 2, 0, 2]);
  assert.throws(() => np.diagonal(np.array([1, 2])), ShapeError);
  assert.throws(() => np.trace(M, { axis1: 1, axis2: -1 }), /axis1 and axis2 cannot be the same/);
  assert.throws(() => np.diag(T), /diag: input must be 1-d or 2-d/);
});

test("derivatives: gradients, a Hessian, float32 gradients and JVPs", () => {
  // f(x) = x^T S x has gradient (S + S^T) x and Hessian S + S^T = [[2, 2], [2, 6]].
  const S = np.array([[1, 2], [0, 3]]);
  const f = (x: Tensor) => np.dot(x, np.matmul(S, x));
  const x = np.array([1, -1]);
  close(grad(f)(x), [0, -4]);
  // (typed narrowly here: the generic signature is deeper than this test needs)
  const hess = hessian as unknown as (fn: (v: Tensor) => Tensor) => (v: Tensor) => Tensor;
  close(hess(f)(x), [2, 2, 2, 6]);
  // Same through einsum and through the transposed-operand path.
  close(hess((v: Tensor) => np.einsum("i,ij,j", v, S, v))(x), [2, 2, 2, 6]);
  close(hess((v: Tensor) => np.matmul(np.matmul(v, S.T), v))(x), [2, 2, 2, 6]);
  // d/da sum(a @ b) = row sums of b, broadcast over a's rows; float32 stays float32.
  const a32 = np.array([[1, 2, 3], [4, 5, 6]], "float32");
  const b32 = np.array([[1, 0], [0, 1], [2, -1]], "float32");
  const ga = grad((a: Tensor) => np.sum(np.matmul(a, b32)))(a32);
  assert.equal(ga.dtype, "float32");
  close(ga, [1, 1, 1, 1, 1, 1]);
  // d/db sum(a @ b) = column sums of a, repeated over b's columns.
  close(grad((b: Tensor) => np.sum(np.matmul(A, b)))(B), [5, 5, 7, 7, 9, 9]);
  // A broadcast batch operand gets a gradient of its own shape (summed over the batch).
  const g = grad((w: Tensor) => np.sum(np.matmul(np.ones([4, 2, 3]), w)))(B);
  assert.deepEqual(g.shape, [3, 2]);
  close(g, [8, 8, 8, 8, 8, 8]);
  // trace is linear: its JVP is the trace of the tangent.
  const [, t] = jvp((m: Tensor) => np.trace(m), [np.array([[1, 2], [3, 4]])], [np.array([[10, 20], [30, 40]])]);
  close(t as Tensor, 50);
  // Gradient of the trace of a diag-embedded vector: ones.
  close(grad((v: Tensor) => np.trace(np.diag(v)))(np.array([3, 4, 5])), [1, 1, 1]);
  // triu's gradient is the upper mask.
  close(grad((m: Tensor) => np.sum(np.triu(m, 1)))(np.ones([2, 3])), [0, 1, 1, 0, 0, 1]);
});
