// The three products of a 2-d convolution, each im2col (or its adjoint) around one GEMM per
// group and chunk of batch items: the forward pass, the input gradient (a transposed
// convolution) and the weight gradient. Operands reach the GEMM through strides, so the
// transposed products copy nothing beyond the unfolded columns.
import type { TypedArray } from "../tensor/dtype.js";
import { gemmBest } from "./wasm/gemm.js";
import { type ConvGeom, type View4, col2im, im2col } from "./im2col.js";
import { MAX_ELEMENTS, recallColumns, rememberColumns } from "./col-cache.js";

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
 * O x (C/G) x KH x KW array, `bias` (O values) or null. Per group and chunk, one GEMM
 * W_g (Og x K) · col (K x nc*P) into a scratch matrix whose rows are then copied into the NCHW
 * output with the bias added: one long product packs and stages far better than nc short ones.
 */
export function convForward(x: View4, w: TypedArray, bias: TypedArray | null, geo: ConvGeom, out: TypedArray): void {
  const { N, O, G, OH, OW } = geo;
  const Og = O / G, K = (geo.C / G) * geo.KH * geo.KW, P = OH * OW;
  if (P === 0 || N === 0 || Og === 0) return;
  const chunk = chunkOf(geo);
  // A small whole-batch unfolding gets storage of its own, kept for the weight gradient.
  const keep = chunk === N && K > 0 && G * K * N * P <= MAX_ELEMENTS;
  const Ctor = out.constructor as new (n: number) => TypedArray;
  const kept = keep ? new Ctor(G * K * N * P) : null;
  const prod = scratchOf(out, 1, Og * chunk * P);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nc = Math.min(chunk, N - n0);
    const L = nc * P;
    for (let g = 0; g < G; g++) {
      const col = kept !== null ? kept.subarray(g * K * L, (g + 1) * K * L) : scratchOf(out, 0, K * chunk * P);
      if (K === 0) prod.fill(0, 0, Og * L);
      else {
        im2col(x, geo, g, n0, nc, col);
        gemmBest(
          1, Og, L, K,
          { data: w, offset: g * Og * K, batchStride: 0, rowStride: K, colStride: 1 },
          { data: col, offset: 0, batchStride: 0, rowStride: L, colStride: 1 },
          { data: prod, offset: 0, batchStride: 0, rowStride: L, colStride: 1 },
        );
      }
      for (let o = 0; o < Og; o++) {
        const b = bias === null ? 0 : bias[g * Og + o];
        for (let n = 0; n < nc; n++) {
          let src = o * L + n * P;
          const dst = ((n0 + n) * O + g * Og + o) * P;
          if (b === 0) out.set(prod.subarray(src, src + P), dst);
          else for (let q = dst, end = dst + P; q < end; q++) out[q] = prod[src++] + b;
        }
      }
    }
  }
  if (kept !== null) rememberColumns(x, geo, kept);
}

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
 * dx (contiguous N x C x H x W, zero on entry) += the input gradient of conv for output
 * gradient `gy` (contiguous N x O x OH x OW) and weight `w` (contiguous): per group and chunk,
 * dcol = W_gᵀ · gy_g as one GEMM (W_g read transposed through its strides), then col2im.
 */
export function convInputGrad(gy: TypedArray, w: TypedArray, geo: ConvGeom, dx: TypedArray): void {
  const { N, O, G, OH, OW } = geo;
  const Og = O / G, K = (geo.C / G) * geo.KH * geo.KW, P = OH * OW;
  if (P === 0 || N === 0 || K === 0 || Og === 0) return;
  const chunk = chunkOf(geo);
  const dcol = scratchOf(dx, 0, K * chunk * P);
  const gmat = scratchOf(dx, 1, Og * chunk * P);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nc = Math.min(chunk, N - n0);
    const L = nc * P;
    for (let g = 0; g < G; g++) {
      gatherGroup(gy, O, P, g, Og, n0, nc, gmat);
      gemmBest(
        1, K, L, Og,
        { data: w, offset: g * Og * K, batchStride: 0, rowStride: 1, colStride: K },
        { data: gmat, offset: 0, batchStride: 0, rowStride: L, colStride: 1 },
        { data: dcol, offset: 0, batchStride: 0, rowStride: L, colStride: 1 },
      );
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
  const gmat = scratchOf(dw, 1, Og * chunk * P);
  const part = chunk < N ? scratchOf(dw, 2, Og * K) : dw;
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nc = Math.min(chunk, N - n0);
    const L = nc * P;
    for (let g = 0; g < G; g++) {
      const col = cached !== null ? cached.subarray(g * K * L, (g + 1) * K * L) : scratchOf(dw, 0, K * chunk * P);
      if (cached === null) im2col(x, geo, g, n0, nc, col);
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
