import type { TypedArray } from "../tensor/dtype.js";

/**
 * One operand of a batched matrix product, as a strided view of a typed array: element (b, i, j)
 * is `data[offset + b * batchStride + i * rowStride + j * colStride]`. Any strides work
 * (transposed, broadcast with stride 0, sliced), so callers never materialize a transpose.
 * Independent of Tensor on purpose: a WebAssembly SIMD kernel will plug in behind `gemm`.
 */
export interface MatView {
  data: TypedArray;
  offset: number;
  batchStride: number;
  rowStride: number;
  colStride: number;
}

// Register tile of the micro-kernel (MR x NR accumulators stay in locals), and cache blocks:
// a KC x NC panel of B and an MC x KC block of A are packed so the inner loop reads both
// sequentially (A's block fits in L2, a KC x NR sliver of B in L1).
const MR = 4;
const NR = 4;
const KC = 256;
const MC = 96;
const NC = 1024;
// Below this many multiply-adds, packing costs more than it saves.
const SMALL = 48 * 48 * 48;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(KC * NC);

/**
 * C[b] = A[b] · B[b] for b < batch, with A[b] m x k, B[b] k x n and C[b] m x n (C is overwritten).
 * Float products accumulate in float64 whatever the storage type, then are rounded into C's array.
 * An Int32Array C gets exact int32 arithmetic, wrapping modulo 2^32 as NumPy's int32 does.
 */
export function gemm(batch: number, m: number, n: number, k: number, a: MatView, b: MatView, c: MatView): void {
  if (batch === 0 || m === 0 || n === 0) return;
  if (c.data instanceof Int32Array) {
    for (let t = 0; t < batch; t++) gemmInt32(m, n, k, a, t, b, t, c, t);
    return;
  }
  if (k === 0 || m * n * k <= SMALL || m < MR || n < NR) {
    for (let t = 0; t < batch; t++) gemmDirect(m, n, k, a, t, b, t, c, t);
    return;
  }
  // The micro-kernel writes float64 rows: use C itself when it is a contiguous Float64Array.
  const direct = c.data instanceof Float64Array && c.colStride === 1 && c.rowStride === n;
  const work = direct ? (c.data as Float64Array) : new Float64Array(m * n);
  for (let t = 0; t < batch; t++) {
    const woff = direct ? c.offset + t * c.batchStride : 0;
    gemmBlocked(m, n, k, a, a.offset + t * a.batchStride, b, b.offset + t * b.batchStride, work, woff);
    if (!direct) storeTile(work, m, n, c, c.offset + t * c.batchStride);
  }
}

/**
 * Unpacked product for small or thin shapes. With B's rows contiguous (and its columns not), each
 * C row accumulates scaled B rows (sequential reads); otherwise one dot product per element.
 */
function gemmDirect(m: number, n: number, k: number, a: MatView, ta: number, b: MatView, tb: number, c: MatView, tc: number): void {
  if (b.colStride === 1 && b.rowStride !== 1 && n > 1) {
    gemmRows(m, n, k, a, ta, b, tb, c, tc);
    return;
  }
  const A = a.data, B = b.data, C = c.data;
  const ars = a.rowStride, acs = a.colStride, brs = b.rowStride, bcs = b.colStride;
  const crs = c.rowStride, ccs = c.colStride;
  const a0 = a.offset + ta * a.batchStride;
  const b0 = b.offset + tb * b.batchStride;
  const c0 = c.offset + tc * c.batchStride;
  for (let i = 0; i < m; i++) {
    const ai = a0 + i * ars;
    let pc = c0 + i * crs;
    for (let j = 0, bj = b0; j < n; j++, bj += bcs, pc += ccs) {
      let s0 = 0, s1 = 0;
      let p = 0, pa = ai, pb = bj;
      // Two partial sums break the add dependency chain.
      for (; p + 1 < k; p += 2, pa += 2 * acs, pb += 2 * brs) {
        s0 += A[pa] * B[pb];
        s1 += A[pa + acs] * B[pb + brs];
      }
      if (p < k) s0 += A[pa] * B[pb];
      C[pc] = s0 + s1;
    }
  }
}

/** C row i = sum over p of A[i, p] * B row p, accumulated in a float64 row. */
function gemmRows(m: number, n: number, k: number, a: MatView, ta: number, b: MatView, tb: number, c: MatView, tc: number): void {
  const A = a.data, B = b.data, C = c.data;
  const ars = a.rowStride, acs = a.colStride, brs = b.rowStride;
  const crs = c.rowStride, ccs = c.colStride;
  const a0 = a.offset + ta * a.batchStride;
  const b0 = b.offset + tb * b.batchStride;
  const c0 = c.offset + tc * c.batchStride;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0, pa = a0 + i * ars, pb = b0; p < k; p++, pa += acs, pb += brs) {
      const s = A[pa];
      // No skipping of zeros: 0 * Inf and 0 * NaN must give NaN, as in NumPy.
      for (let j = 0; j < n; j++) row[j] += s * B[pb + j];
    }
    for (let j = 0, q = c0 + i * crs; j < n; j++, q += ccs) C[q] = row[j];
  }
}

/** Exact int32 product: Math.imul and |0 wrap like int32 hardware, where float64 sums could round. */
function gemmInt32(m: number, n: number, k: number, a: MatView, ta: number, b: MatView, tb: number, c: MatView, tc: number): void {
  const A = a.data, B = b.data, C = c.data;
  const ars = a.rowStride, acs = a.colStride, brs = b.rowStride, bcs = b.colStride;
  const a0 = a.offset + ta * a.batchStride;
  const b0 = b.offset + tb * b.batchStride;
  const c0 = c.offset + tc * c.batchStride;
  const row = new Int32Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0, pa = a0 + i * ars, pb = b0; p < k; p++, pa += acs, pb += brs) {
      const s = A[pa] | 0;
      if (s === 0) continue;
      for (let j = 0, q = pb; j < n; j++, q += bcs) row[j] = (row[j] + Math.imul(s, B[q])) | 0;
    }
    for (let j = 0, q = c0 + i * c.rowStride; j < n; j++, q += c.colStride) C[q] = row[j];
  }
}

/** Cache- and register-blocked product of one batch element into a contiguous float64 m x n block. */
function gemmBlocked(m: number, n: number, k: number, a: MatView, aoff: number, b: MatView, boff: number, w: Float64Array, woff: number): void {
  const ncMax = Math.min(NC, roundUp(n, NR));
  if (packB.length < KC * ncMax) packB = new Float64Array(KC * ncMax);
  if (packA.length < MC * KC) packA = new Float64Array(MC * KC);
  const Ap = packA, Bp = packB;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanelB(b, boff + pc * b.rowStride + jc * b.colStride, kc, nc, Bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        packBlockA(a, aoff + ic * a.rowStride + pc * a.colStride, mc, kc, Ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            micro(kc, Ap, ir * kc, Bp, jr * kc, w, woff + (ic + ir) * n + jc + jr, n, mr, nr, pc === 0);
          }
        }
      }
    }
  }
}

function roundUp(x: number, r: number): number {
  return Math.ceil(x / r) * r;
}

/** Packs an mc x kc block of A as row panels of MR: panel q holds rows q*MR.., column after column (zero-padded). */
function packBlockA(a: MatView, off: number, mc: number, kc: number, dst: Float64Array): void {
  const A = a.data, rs = a.rowStride, cs = a.colStride;
  for (let ir = 0; ir < mc; ir += MR) {
    const base = ir * kc;
    const mr = Math.min(MR, mc - ir);
    for (let r = 0; r < MR; r++) {
      let q = base + r;
      if (r < mr) for (let p = 0, src = off + (ir + r) * rs; p < kc; p++, src += cs, q += MR) dst[q] = A[src];
      else for (let p = 0; p < kc; p++, q += MR) dst[q] = 0;
    }
  }
}

/** Packs a kc x nc panel of B as column slivers of NR: sliver q holds columns q*NR.., row after row (zero-padded). */
function packPanelB(b: MatView, off: number, kc: number, nc: number, dst: Float64Array): void {
  const B = b.data, rs = b.rowStride, cs = b.colStride;
  for (let jr = 0; jr < nc; jr += NR) {
    const base = jr * kc;
    const nr = Math.min(NR, nc - jr);
    for (let c = 0; c < NR; c++) {
      let q = base + c;
      if (c < nr) for (let p = 0, src = off + (jr + c) * cs; p < kc; p++, src += rs, q += NR) dst[q] = B[src];
      else for (let p = 0; p < kc; p++, q += NR) dst[q] = 0;
    }
  }
}

/** The MR x NR register tile: 16 accumulators over kc packed steps, then stored (or added) into w. */
function micro(kc: number, A: Float64Array, ai: number, B: Float64Array, bi: number, w: Float64Array, wi: number, ldw: number, mr: number, nr: number, first: boolean): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ai += MR, bi += NR) {
    const a0 = A[ai], a1 = A[ai + 1], a2 = A[ai + 2], a3 = A[ai + 3];
    const b0 = B[bi], b1 = B[bi + 1], b2 = B[bi + 2], b3 = B[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (mr === MR && nr === NR) {
    const r1 = wi + ldw, r2 = r1 + ldw, r3 = r2 + ldw;
    if (first) {
      w[wi] = c00; w[wi + 1] = c01; w[wi + 2] = c02; w[wi + 3] = c03;
      w[r1] = c10; w[r1 + 1] = c11; w[r1 + 2] = c12; w[r1 + 3] = c13;
      w[r2] = c20; w[r2 + 1] = c21; w[r2 + 2] = c22; w[r2 + 3] = c23;
      w[r3] = c30; w[r3 + 1] = c31; w[r3 + 2] = c32; w[r3 + 3] = c33;
    } else {
      w[wi] += c00; w[wi + 1] += c01; w[wi + 2] += c02; w[wi + 3] += c03;
      w[r1] += c10; w[r1 + 1] += c11; w[r1 + 2] += c12; w[r1 + 3] += c13;
      w[r2] += c20; w[r2 + 1] += c21; w[r2 + 2] += c22; w[r2 + 3] += c23;
      w[r3] += c30; w[r3 + 1] += c31; w[r3 + 2] += c32; w[r3 + 3] += c33;
    }
    return;
  }
  // Edge tile: only the mr x nr corner is inside C.
  const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < mr; r++)
    for (let c = 0; c < nr; c++) {
      const q = wi + r * ldw + c;
      w[q] = first ? tile[r * NR + c] : w[q] + tile[r * NR + c];
    }
}

/** Stores a contiguous float64 m x n block into C's view (converting to C's element type). */
function storeTile(w: Float64Array, m: number, n: number, c: MatView, off: number): void {
  const C = c.data, rs = c.rowStride, cs = c.colStride;
  for (let i = 0, q = 0; i < m; i++) for (let j = 0, p = off + i * rs; j < n; j++, p += cs) C[p] = w[q++];
}
