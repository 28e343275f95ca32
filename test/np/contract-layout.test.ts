// Layout of the contraction's gradients: a matmul's weight gradient must come back C-contiguous
// (not a transposed view), since every later op on it (an SGD update, say) would otherwise read
// it strided. Values are worked out by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, grad, Tensor } from "../../src/index.js";

test("matmul rhs gradient: A^T G, contiguous, rhs dtype", () => {
  // f(B) = sum(C * (A @ B)), so df/dB = A^T C.
  const A = np.array([[1, 2, 3], [4, 5, 6]], "float32");
  const C = np.array([[1, -1], [2, 0.5]], "float32");
  const B = np.array([[1, 0], [0, 1], [2, -1]], "float32");
  const g = grad((b: Tensor) => np.sum(np.multiply(C, np.matmul(A, b))))(B) as Tensor;
  assert.equal(g.dtype, "float32");
  assert.deepEqual(g.shape, [3, 2]);
  assert.ok(g.isContiguous, "weight gradient should be C-contiguous");
  // A^T C: rows [1*1+4*2, 1*-1+4*0.5], [2+10, -2+2.5], [3+12, -3+3].
  assert.deepEqual(Array.from(g.toTypedArray()), [9, 1, 12, 0.5, 15, 0]);
});

test("tensordot rhs gradient with contracted axes after free ones keeps rhs axis order", () => {
  // f(b) = sum(tensordot(a, b, [[0], [1]])) with a (2,), b (3, 2): df/db[i, j] = a[j].
  const a = np.array([2, -3]);
  const b = np.array([[1, 2], [3, 4], [5, 6]]);
  const g = grad((x: Tensor) => np.sum(np.tensordot(a, x, [[0], [1]])))(b) as Tensor;
  assert.deepEqual(g.shape, [3, 2]);
  assert.deepEqual(Array.from(g.toTypedArray()), [2, -3, 2, -3, 2, -3]);
});

test("batched matmul rhs gradient: per-batch A^T G", () => {
  // f(B) = sum(A @ B) over batches, df/dB[t] = A[t]^T 1 (column sums of A[t] repeated).
  const A = np.array([[[1, 2], [3, 4]], [[0, 1], [5, -2]]]);
  const B = np.array([[[1, 0], [0, 1]], [[2, 2], [1, 1]]]);
  const g = grad((b: Tensor) => np.sum(np.matmul(A, b)))(B) as Tensor;
  assert.ok(g.isContiguous);
  assert.deepEqual(Array.from(g.toTypedArray()), [4, 4, 6, 6, 5, 5, -1, -1]);
});
