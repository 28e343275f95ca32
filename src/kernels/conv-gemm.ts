// The three products of a 2-d convolution, each im2col (or its adjoint) around one GEMM per
// group and chunk of batch items: the forward pass, the input gradient (a transposed
// convolution) and the weight gradient. Operands reach the GEMM through strides, so the
// transposed products copy nothing beyond the unfolded columns.
import type { TypedArray } from "../tensor/dtype.js";
import { gemmBest } from "./wasm/gemm.js";
import { type ConvGeom, type View4, col2im, im2col } from "./im2col.js";
import { MAX_ELEMENTS, recallColumns, rememberColumns, spareColumns } from "./col-cache.js";
import { convInputGradDirect } from "./conv-direct.js";

/**
 * Elements of unfolded columns per chunk of batch items: bounds the scratch memory (32 MB of
 * float64) while keeping each GEMM long enough to amortize its packing.
 */
const COL_LIMIT = 1 << 22;

// Grow-only scratch per element type: results never alias it (every GEMM writes elsewhere or
// is consumed before the next call), and reallocating it per call showed in the profile.
const scratch = new Map<string, TypedArray[]>();
function scratchOf(like: TypedArray, slot: number, n: number): TypedArray {
  const key = like.constructor.name;
  let list = scratch.get(key);
  if (list === undefined) scratch.set(key, (list = []));
  const cur = list[slot];
  if (cur !== undefined && cur.length >= n) return cur;
  const Ctor = like.constructor as new (n: number) => TypedArray;
  const fresh = new Ctor(Math.max(n, cur === undefined ? 0 : cur.length * 2));
  list[slot] = fresh;
  return fresh;
}

function chunkOf(geo: ConvGeom): number {
  const perItem = (geo.C / geo.G) * geo.KH * geo.KW * geo.OH * geo.OW;
  return Math.max(1, Math.min(geo.N, Math.floor(COL_LIMIT / Math.max(1, perItem))));
}

/**
 * out (contiguous N x O x OH x OW, overwritten) = conv(x, w) + bias; `w` is a contiguous
 * O x (C/G) x KH x KW array, `bias` (O values) or null. Per group and chunk, one batched GEMM
 * W_g (Og x K) · col_n (K x P) per item, written straight into the item's NCHW output planes:
 * the columns of all items sit side by side in one unfolding, so no copy of the product is
 * needed (measured faster than one long product followed by a scatter into NCHW). Without
 * groups the bias rides along in the product: a row of ones under the columns and the bias as
 * one more weight column, so no separate pass adds it over the output (about 0.3 ms of a small
 * CNN's step); the cached columns keep their first K rows where the weight gradient reads them.
 */
export function convForward(x: View4, w: TypedArray, bias: TypedArray | null, geo: ConvGeom, out: TypedArray): void {
  const { N, O, G, OH, OW } = geo;
  const Og = O / G, K = (geo.C / G) * geo.KH * geo.KW, P = OH * OW;
  if (P === 0 || N === 0 || Og === 0) return;
  const chunk = chunkOf(geo);
  const fold = bias !== null && G === 1 && K > 0;
  // Rows of each group's unfolding: the taps, plus the row of ones when the bias is folded in.
  const R = fold ? K + 1 : K;
  const wk = fold ? withBiasColumn(w, bias as TypedArray, O, K, scratchOf(out, 1, O * R)) : w;
  // A small whole-batch unfolding is kept for the weight gradient, in a recycled buffer if any.
  const keep = chunk === N && K > 0 && G * R * N * P <= MAX_ELEMENTS;
  const Ctor = out.constructor as new (n: number) => TypedArray;
  const kept = keep ? spareColumns(out, G * R * N * P) ?? new Ctor(G * R * N * P) : null;
  if (K === 0) out.fill(0);
  else
    for (let n0 = 0; n0 < N; n0 += chunk) {
      const nc = Math.min(chunk, N - n0);
      const L = nc * P;
      for (let g = 0; g < G; g++) {
        const col = kept !== null ? kept.subarray(g * R * L, (g + 1) * R * L) : scratchOf(out, 0, R * chunk * P);
        im2col(x, geo, g, n0, nc, col);
        if (fold) col.fill(1, K * L, R * L);
        gemmBest(
          nc, Og, P, R,
          { data: wk, offset: g * Og * R, batchStride: 0, rowStride: R, colStride: 1 },
          { data: col, offset: 0, batchStride: P, rowStride: L, colStride: 1 },
          { data: out, offset: (n0 * O + g * Og) * P, batchStride: O * P, rowStride: P, colStride: 1 },
        );
      }
    }
  if (bias !== null && !fold)
    for (let n = 0; n < N; n++)
      for (let o = 0; o < O; o++) {
        const b = bias[o];
        if (b !== 0) for (let q = (n * O + o) * P, end = q + P; q < end; q++) out[q] += b;
      }
  if (kept !== null) rememberColumns(x, geo, kept);
}

/** The O x K weights with the bias appended as column K, into `dst` (O x (K+1)). */
function withBiasColumn(w: TypedArray, bias: TypedArray, O: number, K: number, dst: TypedArray): TypedArray {
  for (let o = 0; o < O; o++) {
    dst.set(w.subarray(o * K, (o + 1) * K), o * (K + 1));
    dst[o * (K + 1) + K] = bias[o];
  }
  return dst;
}

/**
 * Below this inner dimension (a first layer on one or a few channels) the weight gradient sums
 * per-item products instead of gathering all of gy into one long operand (see
 * `perItemProducts`). The forward pass no longer special-cases it: one long product into
 * scratch, then a copy into NCHW, lost to the batched product written in place (re-measured at
 * 16 x 9 x 32·676: 1.2-1.5 ms against 1.5-1.6 ms, the copy of the output costing more than the
 * shorter GEMM saved).
 */
const SHORT_K = 16;

/** Copies output channels [g*Og, (g+1)*Og) of items [n0, n0+nc) of `gy` into an Og x (nc*P) matrix. */
function gatherGroup(gy: TypedArray, O: number, P: number, g: number, Og: number, n0: number, nc: number, gmat: TypedArray): void {
  const L = nc * P;
  for (let o = 0; o < Og; o++)
    for (let n = 0; n < nc; n++) {
      const src = ((n0 + n) * O + g * Og + o) * P;
      gmat.set(gy.subarray(src, src + P), o * L + n * P);
    }
}

/**
 * Output planes at most this large go through `convInputGrad` as one long product over a copy
 * of gy's group: the batched products then have short rows (P padded to the kernel's tile
 * width, copied out row by row), which cost more than the copy (measured at 32 x 144 x 32·121:
 * 1.6 ms against 1.7; at P = 676 and 784 batched won or tied).
 */
const SMALL_PLANE = 256;

/**
 * dx (contiguous N x C x H x W, zero on entry) += the input gradient of conv for output
 * gradient `gy` (contiguous N x O x OH x OW) and weight `w` (contiguous): per group and chunk,
 * dcol = W_gᵀ · gy_g (W_g read transposed through its strides) as one batched GEMM reading gy's
 * planes in place, or for small planes one product over gy's group gathered into a matrix;
 * then col2im. With Wasm on (and no worker pool) ./conv-direct.ts does it instead, building the
 * gathered operand in the Wasm memory and running col2im on the product where it lies.
 */
export function convInputGrad(gy: TypedArray, w: TypedArray, geo: ConvGeom, dx: TypedArray): void {
  if (convInputGradDirect(gy, w, geo, dx)) return;
  const { N, O, G, OH, OW } = geo;
  const Og = O / G, K = (geo.C / G) * geo.KH * geo.KW, P = OH * OW;
  if (P === 0 || N === 0 || K === 0 || Og === 0) return;
  const chunk = chunkOf(geo);
  const dcol = scratchOf(dx, 0, K * chunk * P);
  const gmat = P <= SMALL_PLANE ? scratchOf(dx, 1, Og * chunk * P) : null;
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nc = Math.min(chunk, N - n0);
    const L = nc * P;
    for (let g = 0; g < G; g++) {
      const wT = { data: w, offset: g * Og * K, batchStride: 0, rowStride: 1, colStride: K };
      const dc = { data: dcol, offset: 0, batchStride: P, rowStride: L, colStride: 1 };
      if (gmat !== null) {
        gatherGroup(gy, O, P, g, Og, n0, nc, gmat);
        gemmBest(1, K, L, Og, wT, { data: gmat, offset: 0, batchStride: 0, rowStride: L, colStride: 1 }, { ...dc, batchStride: 0 });
      } else gemmBest(nc, K, P, Og, wT, { data: gy, offset: (n0 * O + g * Og) * P, batchStride: O * P, rowStride: P, colStride: 1 }, dc);
      col2im(dcol, geo, g, n0, nc, dx);
    }
  }
}

/**
 * dw (contiguous O x (C/G) x KH x KW, overwritten) = the weight gradient of conv for input `x`
 * and output gradient `gy` (contiguous): per group, dW_g = Σ_n gy_g[n] · col[n]ᵀ as one product
 * whose inner dimension runs over every (item, output position) of the chunk.
 */
export function convWeightGrad(x: View4, gy: TypedArray, geo: ConvGeom, dw: TypedArray): void {
  const { N, O, G, OH, OW } = geo;
  const Og = O / G, K = (geo.C / G) * geo.KH * geo.KW, P = OH * OW;
  dw.fill(0);
  if (P === 0 || N === 0 || K === 0 || Og === 0) return;
  const chunk = chunkOf(geo);
  const cached = chunk === N ? recallColumns(x, geo, dw) : null;
  const gmat = K <= SHORT_K ? dw : scratchOf(dw, 1, Og * chunk * P);
  const part = chunk < N && K > SHORT_K ? scratchOf(dw, 2, Og * K) : dw;
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nc = Math.min(chunk, N - n0);
    const L = nc * P;
    for (let g = 0; g < G; g++) {
      const col = cached !== null ? cached.subarray(g * K * L, (g + 1) * K * L) : scratchOf(dw, 0, K * chunk * P);
      if (cached === null) im2col(x, geo, g, n0, nc, col);
      if (K <= SHORT_K) {
        perItemProducts(gy, col, geo, g, n0, nc, dw);
        continue;
      }
      // gy's group as one Og x (nc*P) matrix: the products of all items then sum inside a
      // single GEMM instead of through nc partial results.
      gatherGroup(gy, O, P, g, Og, n0, nc, gmat);
      const target = part === dw ? { data: dw, offset: g * Og * K } : { data: part, offset: 0 };
      gemmBest(
        1, Og, K, L,
        { data: gmat, offset: 0, batchStride: 0, rowStride: L, colStride: 1 },
        { data: col, offset: 0, batchStride: 0, rowStride: 1, colStride: L },
        { ...target, batchStride: 0, rowStride: K, colStride: 1 },
      );
      if (part !== dw) for (let q = 0, d = g * Og * K; q < Og * K; q++, d++) dw[d] += part[q];
    }
  }
}

/**
 * dW_g += Σ_n gy_g[n] · col_nᵀ for a small inner dimension K (a first layer): one batched
 * product per item reading gy's planes in place, then the nc small Og x K results summed. With
 * so few weights this beats copying all of gy into one long Og x (nc*P) operand (measured at
 * 16 x 9 x 32·676).
 */
function perItemProducts(gy: TypedArray, col: TypedArray, geo: ConvGeom, g: number, n0: number, nc: number, dw: TypedArray): void {
  const { O, G, OH, OW } = geo;
  const Og = O / G, K = (geo.C / G) * geo.KH * geo.KW, P = OH * OW, L = nc * P, OK = Og * K;
  const part = scratchOf(dw, 3, nc * OK);
  gemmBest(
    nc, Og, K, P,
    { data: gy, offset: (n0 * O + g * Og) * P, batchStride: O * P, rowStride: P, colStride: 1 },
    { data: col, offset: 0, batchStride: P, rowStride: 1, colStride: L },
    { data: part, offset: 0, batchStride: OK, rowStride: K, colStride: 1 },
  );
  for (let q = 0, d = g * OK; q < OK; q++, d++) {
    let s = 0;
    for (let n = 0, r = q; n < nc; n++, r += OK) s += part[r];
    dw[d] += s;
  }
}
