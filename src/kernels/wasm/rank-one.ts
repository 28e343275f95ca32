// Products whose inner dimension is degenerate: an A constant along k (column stride 0, as in the
// cotangent of `sum(A @ B)`, a scalar broadcast to m x k) or a B constant along k (row stride 0).
// Then C[i, j] = A[i, 0] * colsum(B)[j] (or rowsum(A)[i] * B[0, j]), a rank-one outer product
// costing O(kn + mn) instead of the O(mnk) GEMM. Reverse-mode gradients of reductions hand the
// GEMM exactly such views (`grad(sum(A @ B))` does two of its three products this way), so this
// is where a gradient engine earns its keep, not a corner case.
//
// The sums accumulate in float64 (JS numbers) for float32 too, then round once: at least as
// accurate as the GEMM's storage-type accumulation. Rounding differs from the full product's only
// at that level, with one exception handled by falling back: non-finite operands (Inf - Inf in
// the full product is NaN, but a sum of the finite parts times Inf is not), and a sum that
// overflows where the individual products would not.
import type { MatView } from "../gemm.js";

let sums = new Float64Array(0);
let scales = new Float64Array(0);

/** Whether `gemmRankOne` applies: float data and one operand constant along k. */
export function rankOneShape(k: number, a: MatView, b: MatView, c: MatView): boolean {
  if (k < 2 || !(c.data instanceof Float32Array || c.data instanceof Float64Array)) return false;
  if (!(a.data instanceof Float32Array || a.data instanceof Float64Array)) return false;
  if (!(b.data instanceof Float32Array || b.data instanceof Float64Array)) return false;
  return a.colStride === 0 || b.rowStride === 0;
}

/**
 * C[t] = A[t] · B[t] through the rank-one form, for a shape `rankOneShape` accepted. Returns how
 * many batches it wrote: all of them, or the first t whose operands hold a non-finite value (or
 * whose sums overflow), nothing being written for t or later; the caller runs the ordinary GEMM
 * on those. Like the GEMM, C must not overlap A or B.
 */
export function gemmRankOne(batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): number {
  if (sums.length < n) sums = new Float64Array(Math.max(n, 2 * sums.length));
  if (scales.length < m) scales = new Float64Array(Math.max(m, 2 * scales.length));
  const aConst = a.colStride === 0;
  for (let t = 0; t < batch; t++) {
    const ao = a.offset + t * a.batchStride, bo = b.offset + t * b.batchStride;
    // scales[i] multiplies row i of C, sums[j] column j.
    const ok = aConst
      ? column(a.data, ao, a.rowStride, m, scales) && reduce(b.data, bo, b.rowStride, b.colStride, k, n, sums)
      : reduce(a.data, ao, a.colStride, a.rowStride, k, m, scales) && column(b.data, bo, b.colStride, n, sums);
    if (!ok) return t;
    outer(c, c.offset + t * c.batchStride, m, n, aConst && a.rowStride === 0);
  }
  return batch;
}

/** out[j] = x[o + j*s] for j < len; false if any is not finite. */
function column(x: MatView["data"], o: number, s: number, len: number, out: Float64Array): boolean {
  let all = 0;
  for (let j = 0, p = o; j < len; j++, p += s) {
    const v = x[p];
    out[j] = v;
    all += v * 0; // NaN as soon as one value is NaN or infinite
  }
  return all === 0;
}

/**
 * out[j] = sum over p < depth of x[o + p*ps + j*js], for j < len; false if any sum is not finite
 * (covering non-finite terms and overflow). Walks whichever stride is smaller innermost, four
 * steps of p at a time: four independent partial sums down a column, or one update of `out` per
 * four rows (a quarter of the loads and stores of `out`).
 */
function reduce(x: MatView["data"], o: number, ps: number, js: number, depth: number, len: number, out: Float64Array): boolean {
  let all = 0;
  const ps2 = 2 * ps, ps3 = 3 * ps, ps4 = 4 * ps, full = depth - (depth % 4);
  if (Math.abs(js) <= Math.abs(ps)) {
    out.fill(0, 0, len);
    let p = 0, row = o;
    for (; p < full; p += 4, row += ps4)
      for (let j = 0, q = row; j < len; j++, q += js) out[j] += (x[q] + x[q + ps]) + (x[q + ps2] + x[q + ps3]);
    for (; p < depth; p++, row += ps) for (let j = 0, q = row; j < len; j++, q += js) out[j] += x[q];
  } else {
    for (let j = 0, col = o; j < len; j++, col += js) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, p = 0, q = col;
      for (; p < full; p += 4, q += ps4) {
        s0 += x[q];
        s1 += x[q + ps];
        s2 += x[q + ps2];
        s3 += x[q + ps3];
      }
      for (; p < depth; p++, q += ps) s0 += x[q];
      out[j] = (s0 + s1) + (s2 + s3);
    }
  }
  for (let j = 0; j < len; j++) all += out[j] * 0;
  return all === 0;
}

/**
 * C[i, j] = scales[i] * sums[j] into C's view at `base`. `same` says every scale is equal (A a
 * scalar broadcast, the cotangent of a full sum): then every row of C is the same and all rows
 * after the first are block copies. With C's columns contiguous the inner loop has unit stride.
 */
function outer(c: MatView, base: number, m: number, n: number, same: boolean): void {
  const C = c.data, rs = c.rowStride, cs = c.colStride;
  const rows = same && cs === 1 && rs >= n ? 1 : m;
  for (let i = 0; i < rows; i++) {
    const s = scales[i], p = base + i * rs;
    if (cs === 1) for (let j = 0; j < n; j++) C[p + j] = s * sums[j];
    else for (let j = 0, q = p; j < n; j++, q += cs) C[q] = s * sums[j];
  }
  // Rows of C never overlap when rs >= n, so copying the first row down is safe.
  for (let i = rows; i < m; i++) C.copyWithin(base + i * rs, base, base + n);
}
