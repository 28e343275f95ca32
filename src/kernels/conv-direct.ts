// The input gradient of a convolution with its operands built in the Wasm memory (./wasm/direct.ts)
// instead of in JS arrays then staged: the output gradient's group is gathered straight to where
// the GEMM driver reads it, and col2im reads the product's columns where the driver left them.
// Against the staged path (gather into a JS matrix, copy it in, copy the K x N*P columns out) this
// drops two copies, the larger as big as the whole unfolding (about 0.3 ms of a small CNN's step).
// The forward product and the weight gradient keep the staged path: their operands are the kept
// unfolding (./col-cache.ts), one memcpy either way, and measured no faster through here.
import type { TypedArray } from "../tensor/dtype.js";
import { type ConvGeom, col2im } from "./im2col.js";
import { type DirectOperand, denseOperand, directAvailable, directBudget, directKind, gemmDirect } from "./wasm/direct.js";
import type { WasmFloat } from "./wasm/loader.js";

/** Below this many multiply-adds per product the staged path's JS kernel is as fast. */
const MIN_WORK = 4096;

/**
 * Batch items per product: its operand and result (about (K + Og) x nc*P elements) stay within
 * the GEMM's working set, so the Wasm memory stays bounded whatever the batch.
 */
function chunkOf(t: WasmFloat, geo: ConvGeom): number {
  const Og = geo.O / geo.G, K = (geo.C / geo.G) * geo.KH * geo.KW, P = geo.OH * geo.OW;
  return Math.max(1, Math.min(geo.N, Math.floor(directBudget(t) / ((K + Og + 8) * P))));
}

/**
 * Shapes the direct path takes: Wasm usable for this element type, products worth it, and one
 * item's product within the working set (bigger planes go to the staged path, which cuts the
 * product into blocks, rather than growing the Wasm memory, which never shrinks, to fit them).
 */
function usable(data: TypedArray, geo: ConvGeom): WasmFloat | null {
  const t = directKind(data);
  const Og = geo.O / geo.G, K = (geo.C / geo.G) * geo.KH * geo.KW, P = geo.OH * geo.OW;
  if (!directAvailable(t) || P === 0 || geo.N === 0 || K === 0 || Og === 0 || Og * K * P < MIN_WORK) return null;
  return (K + Og + 8) * P <= directBudget(t) ? t : null;
}

/**
 * Copies `len` elements: a loop for short runs, where making a subarray costs more than the copy
 * (float32 element copies in JS run at about 1.5 ns, a subarray and `set` at about 80 ns).
 */
function copyRun(src: TypedArray, s: number, dst: TypedArray, d: number, len: number): void {
  if (len < 48) for (let i = 0; i < len; i++) dst[d + i] = src[s + i];
  else dst.set(src.subarray(s, s + len), d);
}

/** Output channels [g*Og, (g+1)*Og) of items [n0, n0+nc) of the NCHW array `gy` as an Og x nc*P matrix. */
function gyGroup(gy: TypedArray, geo: ConvGeom, g: number, n0: number, nc: number): DirectOperand {
  const { O, G } = geo, Og = O / G, P = geo.OH * geo.OW, L = nc * P;
  return {
    rowStride: L,
    colStride: 1,
    size: Og * L,
    write: (heap, at) => {
      for (let o = 0; o < Og; o++)
        for (let n = 0; n < nc; n++) copyRun(gy, ((n0 + n) * O + g * Og + o) * P, heap, at + o * L + n * P, P);
    },
  };
}

/** `convInputGrad` (./conv-gemm.ts) through the direct path; false, nothing written, when unavailable. */
export function convInputGradDirect(gy: TypedArray, w: TypedArray, geo: ConvGeom, dx: TypedArray): boolean {
  const t = usable(dx, geo);
  if (t === null) return false;
  const { N, O, G, OH, OW } = geo;
  const Og = O / G, K = (geo.C / G) * geo.KH * geo.KW, P = OH * OW;
  const chunk = chunkOf(t, geo);
  for (let n0 = 0; n0 < N; n0 += chunk) {
    const nc = Math.min(chunk, N - n0), L = nc * P;
    for (let g = 0; g < G; g++) {
      // dcol (K x L) = W_gᵀ · gy_g, its rows read by col2im where the product left them.
      const done = gemmDirect(t, K, L, Og, denseOperand(w as Float32Array | Float64Array, g * Og * K, Og, K, true), gyGroup(gy, geo, g, n0, nc), (c) =>
        col2im(c.heap.subarray(c.at), geo, g, n0, nc, dx, c.rowStride), { rowMajor: true });
      if (!done) {
        if (n0 === 0 && g === 0) return false;
        throw new Error("conv2d_input_grad: Wasm memory refused after the first product (internal error)");
      }
    }
  }
  return true;
}
