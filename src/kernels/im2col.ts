import type { TypedArray } from "../tensor/dtype.js";

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
 * The adjoint of `im2col`: adds each entry of `col` (same layout) into the contiguous NCHW
 * array `dx` at the input element it was read from; padding taps are dropped.
 */
export function col2im(col: TypedArray, geo: ConvGeom, g: number, n0: number, nc: number, dx: TypedArray): void {
  if (rowsOfThree(geo, 1)) {
    col2imW3(col, geo, g, n0, nc, dx);
    return;
  }
  const { C, H, W, KH, KW, OH, OW, strideH, strideW, padTop, padLeft, dilH, dilW } = geo;
  const Cg = C / geo.G;
  const P = OH * OW, L = nc * P;
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
function col2imW3(col: TypedArray, geo: ConvGeom, g: number, n0: number, nc: number, dx: TypedArray): void {
  const { C, H, W, KH, OH, OW, strideH, padTop, dilH } = geo;
  const Cg = C / geo.G;
  const P = OH * OW, L = nc * P;
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
