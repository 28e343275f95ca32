import type { TypedArray } from "../tensor/dtype.js";
import { im2col3x3Wasm } from "./wasm-im2col.js";
import { col2im3x3Wasm } from "./wasm-col2im.js";

/**
 * The geometry of one 2-d convolution (NCHW input, OIHW weight), everything already validated:
 * input N x C x H x W, kernel KH x KW, output OH x OW, `padTop`/`padLeft` the zero rows and
 * columns before the input (padding after it only shows in OH and OW), G groups.
 */
export interface ConvGeom {
  N: number;
  C: number;
  H: number;
  W: number;
  O: number;
  G: number;
  KH: number;
  KW: number;
  OH: number;
  OW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
  dilH: number;
  dilW: number;
}

/** A strided 4-d operand: element (a, b, c, d) is `data[offset + a*s0 + b*s1 + c*s2 + d*s3]`. */
export interface View4 {
  data: TypedArray;
  offset: number;
  s0: number;
  s1: number;
  s2: number;
  s3: number;
}

/**
 * The range [lo, hi) of output columns whose input column `o*stride - pad + k*dil` lies in
 * [0, size): computed once per kernel tap so the copy loops carry no bounds test per element.
 */
export function validRange(size: number, outSize: number, stride: number, pad: number, tap: number): [number, number] {
  const first = pad - tap; // o*stride >= first
  const lo = first <= 0 ? 0 : Math.ceil(first / stride);
  const last = size - 1 + pad - tap; // o*stride <= last
  const hi = last < 0 ? 0 : Math.min(outSize, Math.floor(last / stride) + 1);
  return [Math.min(lo, outSize), Math.max(hi, Math.min(lo, outSize))];
}

/**
 * Unfolds the input channels of group `g`, batch items [n0, n0 + nc), into `col`: row
 * `(c*KH + i)*KW + j` holds, at column `n*OH*OW + oh*OW + ow`, the input element under tap
 * (i, j) of output position (oh, ow) of item n0 + n (zero where the tap falls in the padding).
 * Reads the input through its strides, so transposed or sliced inputs are not copied first.
 */
export function im2col(x: View4, geo: ConvGeom, g: number, n0: number, nc: number, col: TypedArray): void {
  if (threeByThree(geo, x.s3)) {
    im2col3x3(x, geo, g, n0, nc, col);
    return;
  }
  if (rowsOfThree(geo, x.s3)) {
    im2colW3(x, geo, g, n0, nc, col);
    return;
  }
  const { H, W, KH, KW, OH, OW, strideH, strideW, padTop, padLeft, dilH, dilW } = geo;
  const Cg = geo.C / geo.G;
  const P = OH * OW, L = nc * P;
  const X = x.data;
  const stepW = strideW * x.s3;
  for (let c = 0; c < Cg; c++) {
    const cin = g * Cg + c;
    for (let i = 0; i < KH; i++) {
      const [ohLo, ohHi] = validRange(H, OH, strideH, padTop, i * dilH);
      for (let j = 0; j < KW; j++) {
        const [owLo, owHi] = validRange(W, OW, strideW, padLeft, j * dilW);
        const rowBase = ((c * KH + i) * KW + j) * L;
        for (let n = 0; n < nc; n++) {
          const xb = x.offset + (n0 + n) * x.s0 + cin * x.s1 + (owLo * strideW - padLeft + j * dilW) * x.s3;
          const pb = rowBase + n * P;
          if (ohLo > 0) col.fill(0, pb, pb + ohLo * OW);
          if (ohHi < OH) col.fill(0, pb + ohHi * OW, pb + P);
          for (let oh = ohLo; oh < ohHi; oh++) {
            const p = pb + oh * OW;
            if (owLo > 0) col.fill(0, p, p + owLo);
            if (owHi < OW) col.fill(0, p + owHi, p + OW);
            let src = xb + (oh * strideH - padTop + i * dilH) * x.s2;
            if (stepW === 1) for (let ow = owLo; ow < owHi; ow++) col[p + ow] = X[src++];
            else for (let ow = owLo; ow < owHi; ow++, src += stepW) col[p + ow] = X[src];
          }
        }
      }
    }
  }
}

/**
 * The adjoint of `im2col`: adds each entry of `col` (same layout, except that rows may be
 * `pitch` >= nc*OH*OW apart, as in a product read in place from the Wasm memory, whose rows are
 * padded to the GEMM tile) into the contiguous NCHW array `dx` at the input element it was read
 * from; padding taps are dropped.
 */
export function col2im(col: TypedArray, geo: ConvGeom, g: number, n0: number, nc: number, dx: TypedArray, pitch = nc * geo.OH * geo.OW): void {
  if (threeByThree(geo, 1)) {
    col2im3x3(col, geo, g, n0, nc, dx, pitch);
    return;
  }
  if (rowsOfThree(geo, 1)) {
    col2imW3(col, geo, g, n0, nc, dx, pitch);
    return;
  }
  const { C, H, W, KH, KW, OH, OW, strideH, strideW, padTop, padLeft, dilH, dilW } = geo;
  const Cg = C / geo.G;
  const P = OH * OW, L = pitch;
  for (let c = 0; c < Cg; c++) {
    const cin = g * Cg + c;
    for (let i = 0; i < KH; i++) {
      const [ohLo, ohHi] = validRange(H, OH, strideH, padTop, i * dilH);
      for (let j = 0; j < KW; j++) {
        const [owLo, owHi] = validRange(W, OW, strideW, padLeft, j * dilW);
        const rowBase = ((c * KH + i) * KW + j) * L;
        for (let n = 0; n < nc; n++) {
          const xb = ((n0 + n) * C + cin) * H * W + owLo * strideW - padLeft + j * dilW;
          const pb = rowBase + n * P;
          for (let oh = ohLo; oh < ohHi; oh++) {
            const p = pb + oh * OW;
            let dst = xb + (oh * strideH - padTop + i * dilH) * W;
            if (strideW === 1) for (let ow = owLo; ow < owHi; ow++) dx[dst++] += col[p + ow];
            else for (let ow = owLo; ow < owHi; ow++, dst += strideW) dx[dst] += col[p + ow];
          }
        }
      }
    }
  }
}

/**
 * Whether the kernel is 3 wide with unit stride and dilation along rows, no left padding, and
 * every tap of every output column inside the input row (no right padding either), the input's
 * rows being contiguous (`s3` 1): then one pass over an input row serves all three taps.
 */
function rowsOfThree(geo: ConvGeom, s3: number): boolean {
  return geo.KW === 3 && geo.strideW === 1 && geo.dilW === 1 && geo.padLeft === 0 && s3 === 1 && geo.OW >= 2 && geo.OW + 2 <= geo.W;
}

/**
 * `im2col` when `rowsOfThree`: the three rows of taps (i, 0..2) are filled together from one
 * sliding read of each input row (each element loaded once instead of three times, and a third
 * of the loop overhead). Rows whose taps fall in the top or bottom padding are zeroed.
 */
function im2colW3(x: View4, geo: ConvGeom, g: number, n0: number, nc: number, col: TypedArray): void {
  const { H, KH, OH, OW, strideH, padTop, dilH } = geo;
  const Cg = geo.C / geo.G;
  const P = OH * OW, L = nc * P;
  const X = x.data;
  for (let c = 0; c < Cg; c++) {
    const cin = g * Cg + c;
    for (let i = 0; i < KH; i++) {
      const [ohLo, ohHi] = validRange(H, OH, strideH, padTop, i * dilH);
      const r0 = (c * KH + i) * 3 * L, r1 = r0 + L, r2 = r1 + L;
      for (let n = 0; n < nc; n++) {
        const pb = n * P;
        if (ohLo > 0 || ohHi < OH)
          for (let r = r0; r <= r2; r += L) {
            if (ohLo > 0) col.fill(0, r + pb, r + pb + ohLo * OW);
            if (ohHi < OH) col.fill(0, r + pb + ohHi * OW, r + pb + P);
          }
        const xb = x.offset + (n0 + n) * x.s0 + cin * x.s1;
        for (let oh = ohLo; oh < ohHi; oh++) {
          let src = xb + (oh * strideH - padTop + i * dilH) * x.s2;
          let a = X[src], b = X[src + 1];
          src += 2;
          for (let p = pb + oh * OW, end = p + OW; p < end; p++, src++) {
            const d = X[src];
            col[r0 + p] = a;
            col[r1 + p] = b;
            col[r2 + p] = d;
            a = b;
            b = d;
          }
        }
      }
    }
  }
}

/**
 * `col2im` when `rowsOfThree`: each input element of a row receives its three taps' entries as
 * one sum and one update, instead of three read-modify-writes. Column w gets tap 0 of output
 * column w, tap 1 of w - 1 and tap 2 of w - 2, where those exist.
 */
function col2imW3(col: TypedArray, geo: ConvGeom, g: number, n0: number, nc: number, dx: TypedArray, pitch: number): void {
  const { C, H, W, KH, OH, OW, strideH, padTop, dilH } = geo;
  const Cg = C / geo.G;
  const P = OH * OW, L = pitch;
  for (let c = 0; c < Cg; c++) {
    const cin = g * Cg + c;
    for (let i = 0; i < KH; i++) {
      const [ohLo, ohHi] = validRange(H, OH, strideH, padTop, i * dilH);
      const r0 = (c * KH + i) * 3 * L, r1 = r0 + L, r2 = r1 + L;
      for (let n = 0; n < nc; n++) {
        const xb = ((n0 + n) * C + cin) * H * W;
        for (let oh = ohLo; oh < ohHi; oh++) {
          const p = n * P + oh * OW;
          const d = xb + (oh * strideH - padTop + i * dilH) * W;
          dx[d] += col[r0 + p];
          dx[d + 1] += col[r0 + p + 1] + col[r1 + p];
          for (let w = 2; w < OW; w++) dx[d + w] += col[r0 + p + w] + col[r1 + p + w - 1] + col[r2 + p + w - 2];
          dx[d + OW] += col[r1 + p + OW - 1] + col[r2 + p + OW - 2];
          dx[d + OW + 1] += col[r2 + p + OW - 1];
        }
      }
    }
  }
}

/**
 * `rowsOfThree` with a 3-row kernel that never leaves the input vertically either (unit stride
 * and dilation, no top or bottom padding): the plain "valid" 3x3 convolution of most CNNs.
 */
function threeByThree(geo: ConvGeom, s3: number): boolean {
  return rowsOfThree(geo, s3) && geo.KH === 3 && geo.strideH === 1 && geo.dilH === 1 && geo.padTop === 0 && geo.OH + 2 <= geo.H;
}

/**
 * `im2col` when `threeByThree`: per output row, one sliding read of its three input rows fills
 * all nine rows of taps. Against `im2colW3` (one input row per pass, three passes) this loads
 * each element once and runs a third of the loops, which are short (OW long) in small layers.
 */
function im2col3x3(x: View4, geo: ConvGeom, g: number, n0: number, nc: number, col: TypedArray): void {
  // float32 goes through Wasm SIMD (./wasm-im2col.ts, the same values); this loop is the fallback.
  if (col instanceof Float32Array && im2col3x3Wasm(x, geo, g, n0, nc, col)) return;
  const { OH, OW } = geo;
  const Cg = geo.C / geo.G;
  const P = OH * OW, L = nc * P, L2 = 2 * L;
  const X = x.data, s2 = x.s2;
  for (let c = 0; c < Cg; c++) {
    // Tap rows (c, i, j) start at ((c*3 + i)*3 + j) * L.
    const rc = c * 9 * L;
    for (let n = 0; n < nc; n++) {
      const xb = x.offset + (n0 + n) * x.s0 + (g * Cg + c) * x.s1;
      for (let oh = 0; oh < OH; oh++) {
        const q0 = rc + n * P + oh * OW, q3 = q0 + 3 * L, q6 = q3 + 3 * L;
        let s0 = xb + oh * s2;
        let s1 = s0 + s2, t2 = s1 + s2;
        let a0 = X[s0], b0 = X[s0 + 1], a1 = X[s1], b1 = X[s1 + 1], a2 = X[t2], b2 = X[t2 + 1];
        s0 += 2;
        s1 += 2;
        t2 += 2;
        for (let w = 0; w < OW; w++) {
          const d0 = X[s0 + w], d1 = X[s1 + w], d2 = X[t2 + w];
          col[q0 + w] = a0;
          col[q0 + L + w] = b0;
          col[q0 + L2 + w] = d0;
          col[q3 + w] = a1;
          col[q3 + L + w] = b1;
          col[q3 + L2 + w] = d1;
          col[q6 + w] = a2;
          col[q6 + L + w] = b2;
          col[q6 + L2 + w] = d2;
          a0 = b0;
          b0 = d0;
          a1 = b1;
          b1 = d1;
          a2 = b2;
          b2 = d2;
        }
      }
    }
  }
}

/**
 * `col2im` when `threeByThree`: each input row receives all its taps in one pass. Rows 2 to
 * OH - 1 are under all three kernel rows, so each of their elements gets its (up to) nine
 * entries summed and added with one read-modify-write instead of three passes of three; the
 * two rows at each edge go kernel row by kernel row.
 */
function col2im3x3(col: TypedArray, geo: ConvGeom, g: number, n0: number, nc: number, dx: TypedArray, pitch: number): void {
  // float32 columns in the Wasm memory go through Wasm SIMD (./wasm-col2im.ts, the same values).
  if (col instanceof Float32Array && dx instanceof Float32Array && col2im3x3Wasm(col, geo, g, n0, nc, dx, pitch)) return;
  const { C, H, W, OH, OW } = geo;
  const Cg = C / geo.G;
  const P = OH * OW, L = pitch, L3 = 3 * L;
  for (let c = 0; c < Cg; c++) {
    const rc = c * 9 * L;
    for (let n = 0; n < nc; n++) {
      const xb = ((n0 + n) * C + g * Cg + c) * H * W, pb = rc + n * P;
      for (let h = 0; h < H; h++) {
        const d = xb + h * W;
        if (h >= 2 && h < OH) {
          // Kernel row i reads input row h from output row h - i.
          const a0 = pb + h * OW, a1 = a0 + L, a2 = a1 + L;
          const b0 = pb + L3 + (h - 1) * OW, b1 = b0 + L, b2 = b1 + L;
          const c0 = pb + 2 * L3 + (h - 2) * OW, c1 = c0 + L, c2 = c1 + L;
          dx[d] += col[a0] + col[b0] + col[c0];
          dx[d + 1] += col[a0 + 1] + col[a1] + (col[b0 + 1] + col[b1]) + (col[c0 + 1] + col[c1]);
          for (let w = 2; w < OW; w++)
            dx[d + w] +=
              col[a0 + w] + col[a1 + w - 1] + col[a2 + w - 2] +
              (col[b0 + w] + col[b1 + w - 1] + col[b2 + w - 2]) +
              (col[c0 + w] + col[c1 + w - 1] + col[c2 + w - 2]);
          dx[d + OW] += col[a1 + OW - 1] + col[a2 + OW - 2] + (col[b1 + OW - 1] + col[b2 + OW - 2]) + (col[c1 + OW - 1] + col[c2 + OW - 2]);
          dx[d + OW + 1] += col[a2 + OW - 1] + col[b2 + OW - 1] + col[c2 + OW - 1];
          continue;
        }
        for (let i = Math.max(0, h - OH + 1), iHi = Math.min(2, h); i <= iHi; i++) {
          const r0 = pb + i * L3 + (h - i) * OW, r1 = r0 + L, r2 = r1 + L;
          dx[d] += col[r0];
          dx[d + 1] += col[r0 + 1] + col[r1];
          for (let w = 2; w < OW; w++) dx[d + w] += col[r0 + w] + col[r1 + w - 1] + col[r2 + w - 2];
          dx[d + OW] += col[r1 + OW - 1] + col[r2 + OW - 2];
          dx[d + OW + 1] += col[r2 + OW - 1];
        }
      }
    }
  }
}
