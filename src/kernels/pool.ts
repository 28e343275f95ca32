// 2-d max and average pooling over NCHW planes, and the adjoints their gradients need. Window
// bounds are tabulated once per call (per output row and column), so the loops over windows do
// no division and no bounds test per element.
import type { TypedArray } from "../tensor/dtype.js";
import type { View4 } from "./im2col.js";
import { maxPool2x2Wasm, scatter2x2Wasm } from "./wasm-pool.js";

/** Pooling geometry (validated by the caller): N*C planes of H x W pooled into OH x OW. */
export interface PoolGeom {
  N: number;
  C: number;
  H: number;
  W: number;
  KH: number;
  KW: number;
  OH: number;
  OW: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilH: number;
  dilW: number;
}

/**
 * For each output position along one axis, the first tap and the end tap (exclusive) whose
 * input index `o*stride - pad + tap*dil` lies inside [0, size).
 */
function tapRanges(size: number, out: number, k: number, stride: number, pad: number, dil: number): Int32Array {
  const r = new Int32Array(2 * out);
  for (let o = 0; o < out; o++) {
    const start = o * stride - pad;
    let lo = 0;
    while (lo < k && start + lo * dil < 0) lo++;
    let hi = k;
    while (hi > lo && start + (hi - 1) * dil >= size) hi--;
    r[2 * o] = lo;
    r[2 * o + 1] = hi;
  }
  return r;
}

/**
 * Max over each window into `out` (contiguous N x C x OH x OW); with `idx`, also the flat
 * position ih*W + iw of the maximum within its plane. Ties go to the first maximum in row-major
 * window order (PyTorch's rule); a NaN wins over numbers (it propagates, as in PyTorch), the
 * first NaN being the one recorded. A window with no input element gets -Infinity and index -1.
 */
export function maxPool(x: View4, geo: PoolGeom, out: TypedArray, idx: Int32Array | null): void {
  const { N, C, H, W, KH, KW, OH, OW, strideH, strideW, padH, padW, dilH, dilW } = geo;
  if (padH === 0 && padW === 0 && dilH === 1 && dilW === 1 && x.s3 === 1 && (OH - 1) * strideH + KH <= H && (OW - 1) * strideW + KW <= W) {
    maxPoolDense(x, geo, out, idx);
    return;
  }
  const rows = tapRanges(H, OH, KH, strideH, padH, dilH);
  const cols = tapRanges(W, OW, KW, strideW, padW, dilW);
  const X = x.data;
  const stepW = dilW * x.s3;
  let q = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const plane = x.offset + n * x.s0 + c * x.s1;
      for (let oh = 0; oh < OH; oh++) {
        const iLo = rows[2 * oh], iHi = rows[2 * oh + 1];
        const ih0 = oh * strideH - padH;
        for (let ow = 0; ow < OW; ow++, q++) {
          const jLo = cols[2 * ow], jHi = cols[2 * ow + 1];
          const iw0 = ow * strideW - padW;
          let best = -Infinity, at = -1;
          for (let i = iLo; i < iHi; i++) {
            const ih = ih0 + i * dilH;
            let p = plane + ih * x.s2 + (iw0 + jLo * dilW) * x.s3;
            for (let j = jLo; j < jHi; j++, p += stepW) {
              const v = X[p];
              if (v > best || (v !== v && best === best) || at < 0) {
                best = v;
                at = ih * W + iw0 + j * dilW;
                if (v !== v) break;
              }
            }
            if (best !== best) break;
          }
          out[q] = best;
          if (idx !== null) idx[q] = at;
        }
      }
    }
}

/**
 * `maxPool` when every window lies inside the input with unit dilation and rows are contiguous
 * (the usual "kernel 2, stride 2" case): no tap tables, no bounds, no padding.
 */
function maxPoolDense(x: View4, geo: PoolGeom, out: TypedArray, idx: Int32Array | null): void {
  const { N, C, W, KH, KW, OH, OW, strideH, strideW } = geo;
  if (KH === 2 && KW === 2 && strideH === 2 && strideW === 2 && idx !== null) {
    maxPool2x2(x, geo, out, idx);
    return;
  }
  const X = x.data, s2 = x.s2;
  let q = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const plane = x.offset + n * x.s0 + c * x.s1;
      for (let oh = 0; oh < OH; oh++) {
        const ih0 = oh * strideH;
        for (let ow = 0; ow < OW; ow++, q++) {
          const iw0 = ow * strideW;
          const p0 = plane + ih0 * s2 + iw0;
          let best = X[p0], at = 0;
          if (KH === 2 && KW === 2) {
            // The common 2x2 window unrolled; ">" keeps the first of tied maxima, and a NaN,
            // once taken, is never replaced (NaN > v and v > NaN are both false).
            const b = X[p0 + 1], c = X[p0 + s2], d = X[p0 + s2 + 1];
            if (best === best) {
              if (b > best || b !== b) (best = b), (at = 1);
              if (best === best && (c > best || c !== c)) (best = c), (at = W);
              if (best === best && (d > best || d !== d)) (best = d), (at = W + 1);
            }
          } else if (best === best)
            for (let i = 0; i < KH; i++) {
              const row = p0 + i * s2;
              for (let j = i === 0 ? 1 : 0; j < KW; j++) {
                const v = X[row + j];
                if (v > best) {
                  best = v;
                  at = i * W + j;
                } else if (v !== v) {
                  best = v;
                  at = i * W + j;
                  i = KH;
                  break;
                }
              }
            }
          out[q] = best;
          if (idx !== null) idx[q] = ih0 * W + iw0 + at;
        }
      }
    }
}

/**
 * The 2x2, stride-2 window of `maxPoolDense` (the CNN default) as its own loop, written as a
 * tournament whose comparisons feed index arithmetic instead of branches: the winner of each
 * row, then of the two rows. On activations the old compare-and-branch chain mispredicted often
 * (0.55 ms against 0.38 for 32x16x26x26 float32). Strict ">" keeps the first maximum in
 * row-major order (right beats left, bottom beats top, only when greater). A window holding a
 * NaN (or +Infinity with -Infinity: the sum of the four is NaN either way) takes the ordered
 * chain, where a NaN, once taken, is never replaced.
 */
function maxPool2x2(x: View4, geo: PoolGeom, out: TypedArray, idx: Int32Array): void {
  const { N, C, H, W, OH, OW } = geo;
  const X = x.data, s2 = x.s2;
  // float32 planes laid out one after the other go through Wasm SIMD (./wasm-pool.ts), with
  // the same results bit for bit; this loop stays the fallback.
  if (X instanceof Float32Array && out instanceof Float32Array && s2 === W && (C === 1 || x.s1 === H * W) && (N === 1 || x.s0 === C * H * W) &&
    maxPool2x2Wasm(X, x.offset, N * C, H, W, OH, OW, out, idx))
    return;
  let q = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const plane = x.offset + n * x.s0 + c * x.s1;
      for (let oh = 0; oh < OH; oh++) {
        let p = plane + 2 * oh * s2;
        let at = 2 * oh * W;
        for (let end = q + OW; q < end; q++, p += 2, at += 2) {
          const a = X[p], b = X[p + 1], c2 = X[p + s2], d = X[p + s2 + 1];
          const sum = a + b + c2 + d;
          if (sum !== sum) {
            let best = a, k = at;
            if (best === best) {
              if (b > best || b !== b) (best = b), (k = at + 1);
              if (best === best && (c2 > best || c2 !== c2)) (best = c2), (k = at + W);
              if (best === best && (d > best || d !== d)) (best = d), (k = at + W + 1);
            }
            out[q] = best;
            idx[q] = k;
            continue;
          }
          // 0/1 flags from the comparisons: which column wins in each row, then which row.
          const top = +(b > a), bot = +(d > c2);
          const it = p + top, ib = p + s2 + bot;
          const low = +(X[ib] > X[it]);
          out[q] = X[it + low * (ib - it)];
          idx[q] = at + top + low * (W + bot - top);
        }
      }
    }
}

/**
 * out[plane, o] = t[plane, idx[o]]: the tangent (or cotangent) picked at each window's maximum,
 * t being contiguous planes of HW elements; an index of -1 (an empty window) picks 0.
 */
export function gatherPlanes(t: TypedArray, HW: number, idx: Int32Array, OHW: number, out: TypedArray): void {
  const nPlanes = idx.length / Math.max(1, OHW);
  for (let pl = 0, q = 0; pl < nPlanes; pl++) {
    const base = pl * HW;
    for (let o = 0; o < OHW; o++, q++) {
      const a = idx[q];
      out[q] = a < 0 ? 0 : t[base + a];
    }
  }
}

/** dx[plane, idx[o]] += g[plane, o] (dx contiguous, zero on entry; g contiguous). */
export function scatterPlanes(g: TypedArray, HW: number, idx: Int32Array, OHW: number, dx: TypedArray): void {
  const nPlanes = idx.length / Math.max(1, OHW);
  for (let pl = 0, q = 0; pl < nPlanes; pl++) {
    const base = pl * HW;
    for (let o = 0; o < OHW; o++, q++) {
      const a = idx[q];
      if (a >= 0) dx[base + a] += g[q];
    }
  }
}

/**
 * `scatterPlanes` for positions recorded by a 2x2, stride-2 max pooling without padding or
 * dilation (so each lies inside its own window, no two the same) of planes of H x W into
 * OH x OW: float32 goes through Wasm SIMD when it is on (bitwise the same result).
 */
export function scatterPlanes2x2(g: TypedArray, H: number, W: number, idx: Int32Array, OH: number, OW: number, dx: TypedArray): void {
  const planes = idx.length / Math.max(1, OH * OW);
  if (g instanceof Float32Array && dx instanceof Float32Array && 2 * OH <= H && 2 * OW <= W && scatter2x2Wasm(g, idx, planes, H, W, OH, OW, dx)) return;
  scatterPlanes(g, H * W, idx, OH * OW, dx);
}

/**
 * out[plane, idx[o]] = g[plane, o] + 0 where pooled[plane, o] > 0, for windows that do not
 * overlap (each position named at most once); `out` contiguous and zero on entry, `g` and
 * `pooled` contiguous. This is relu_grad(scatter(g), r) computed from the pooled-size arrays
 * when `pooled` is r's max pooling at `idx`: r at the position is the pooled value, and the
 * scatter held 0 + g there (the + 0 turns -0 into +0 the same way).
 */
export function scatterPlanesWherePositive(g: TypedArray, pooled: TypedArray, HW: number, idx: Int32Array, OHW: number, out: TypedArray): void {
  const nPlanes = idx.length / Math.max(1, OHW);
  for (let pl = 0, q = 0; pl < nPlanes; pl++) {
    const base = pl * HW;
    for (let o = 0; o < OHW; o++, q++) {
      const a = idx[q];
      if (a >= 0 && pooled[q] > 0) out[base + a] = g[q] + 0;
    }
  }
}

/**
 * The divisor of each window along one axis, split as (start, end, padded extent): PyTorch's
 * count_include_pad counts padding cells but not window cells past the padded edge (ceil mode).
 */
function avgSpans(size: number, out: number, k: number, stride: number, pad: number): Int32Array {
  const r = new Int32Array(3 * out);
  for (let o = 0; o < out; o++) {
    let s = o * stride - pad;
    let e = Math.min(s + k, size + pad);
    const ext = e - s;
    s = Math.max(s, 0);
    e = Math.min(e, size);
    r[3 * o] = s;
    r[3 * o + 1] = Math.max(e, s);
    r[3 * o + 2] = ext;
  }
  return r;
}

/**
 * Average pooling (no dilation, as in PyTorch) into contiguous `out`; with `transpose`, the
 * adjoint instead: `x` is then the contiguous output gradient and `out` the zeroed input gradient.
 */
export function avgPool(x: View4, geo: PoolGeom, countIncludePad: boolean, out: TypedArray, transpose: boolean): void {
  const { N, C, H, W, KH, KW, OH, OW, strideH, strideW, padH, padW } = geo;
  const rows = avgSpans(H, OH, KH, strideH, padH);
  const cols = avgSpans(W, OW, KW, strideW, padW);
  const X = x.data;
  let q = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) {
      const plane = transpose ? (n * C + c) * H * W : x.offset + n * x.s0 + c * x.s1;
      for (let oh = 0; oh < OH; oh++) {
        const hs = rows[3 * oh], he = rows[3 * oh + 1];
        for (let ow = 0; ow < OW; ow++, q++) {
          const ws = cols[3 * ow], we = cols[3 * ow + 1];
          const count = countIncludePad ? rows[3 * oh + 2] * cols[3 * ow + 2] : (he - hs) * (we - ws);
          if (transpose) {
            const v = count > 0 ? X[x.offset + q] / count : 0;
            for (let ih = hs; ih < he; ih++) for (let iw = ws, p = plane + ih * W + ws; iw < we; iw++, p++) out[p] += v;
            continue;
          }
          let s = 0;
          for (let ih = hs; ih < he; ih++) for (let iw = ws, p = plane + ih * x.s2 + ws * x.s3; iw < we; iw++, p += x.s3) s += X[p];
          out[q] = count > 0 ? s / count : NaN;
        }
      }
    }
}
