// Reference for the GEMM kernels' tests: a float64 triple loop over strided operand views.
import type { MatView } from "../../src/kernels/gemm.js";

/** Index of element (t, i, j) of a view. */
export const at = (v: MatView, t: number, i: number, j: number): number =>
  v.offset + t * v.batchStride + i * v.rowStride + j * v.colStride;

/** Float64 triple loop, and the sum of |a||b| per element (the scale of rounding errors). */
export function naive(batch: number, m: number, n: number, k: number, a: MatView, b: MatView): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(batch * m * n), scale = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0, z = 0;
        for (let p = 0; p < k; p++) {
          const x = a.data[at(a, t, i, p)] * b.data[at(b, t, p, j)];
          s += x;
          z += Math.abs(x);
        }
        value[(t * m + i) * n + j] = s;
        scale[(t * m + i) * n + j] = z;
      }
  return { value, scale };
}
