// Copies a strided operand into the Wasm memory for the GEMM driver, keeping its strides: the
// packing routines read any layout, so a transposed or sliced view is copied as the raw span of
// storage it covers (one memcpy), never rearranged. Only a view that covers a small part of its
// span (a thin slice of a large buffer) is gathered densely instead, to bound the copy.
import type { MatView } from "../gemm.js";

/** Where a staged operand sits in the Wasm memory: element index of (0, 0, 0) and strides. */
export interface Staged {
  at: number;
  bs: number;
  rs: number;
  cs: number;
}

/** The storage a view touches over `count` batches from `t0`: [lo, hi] and how it is copied. */
export interface Span {
  lo: number;
  hi: number;
  /** Elements the staged copy needs. */
  size: number;
  dense: boolean;
}

export function spanOf(v: MatView, t0: number, count: number, rows: number, cols: number): Span {
  const start = v.offset + t0 * v.batchStride;
  // Negative strides reach below the start, positive ones above.
  const db = (count - 1) * v.batchStride, dr = (rows - 1) * v.rowStride, dc = (cols - 1) * v.colStride;
  const lo = start + Math.min(db, 0) + Math.min(dr, 0) + Math.min(dc, 0);
  const hi = start + Math.max(db, 0) + Math.max(dr, 0) + Math.max(dc, 0);
  const logical = (v.batchStride === 0 ? 1 : count) * rows * cols;
  const raw = hi - lo + 1;
  // One memcpy of a span a little larger than the view beats an element gather; past 25 % more,
  // gathering keeps the staged size (and so the Wasm memory) close to the working-set budget.
  const dense = raw > 1.25 * logical + 4096;
  return { lo, hi, size: dense ? logical : raw, dense };
}

/** Copies the view's batches t0.. t0+count into heap at element `at`; returns its staged strides. */
export function stage(
  v: MatView, span: Span, t0: number, count: number, rows: number, cols: number,
  heap: Float32Array | Float64Array, at: number,
): Staged {
  const src = v.data as Float32Array | Float64Array;
  if (!span.dense) {
    // A loop beats creating a subarray for a few elements.
    if (span.size < 64) for (let i = 0; i < span.size; i++) heap[at + i] = src[span.lo + i];
    else heap.set(src.subarray(span.lo, span.hi + 1), at);
    return { at: at + v.offset + t0 * v.batchStride - span.lo, bs: v.batchStride, rs: v.rowStride, cs: v.colStride };
  }
  // Dense gather, in whichever of row or column order the source walks with the smaller stride.
  const rowMajor = Math.abs(v.colStride) <= Math.abs(v.rowStride);
  const batches = v.batchStride === 0 ? 1 : count;
  const outer = rowMajor ? rows : cols, inner = rowMajor ? cols : rows;
  const os = rowMajor ? v.rowStride : v.colStride, is = rowMajor ? v.colStride : v.rowStride;
  let q = at;
  for (let t = 0; t < batches; t++) {
    const base = v.offset + (t0 + t) * v.batchStride;
    for (let o = 0; o < outer; o++) for (let i = 0, p = base + o * os; i < inner; i++, p += is) heap[q++] = src[p];
  }
  const bs = v.batchStride === 0 ? 0 : rows * cols;
  return rowMajor ? { at, bs, rs: cols, cs: 1 } : { at, bs, rs: 1, cs: rows };
}
