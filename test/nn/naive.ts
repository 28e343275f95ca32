// Direct-loop references for the convolution and pooling tests: the definitions, written as
// plainly as possible (no im2col, no GEMM), on nested-free flat arrays in C order.

export interface NaiveConv {
  stride: [number, number];
  pad: [number, number, number, number]; // top, bottom, left, right
  dil: [number, number];
  groups: number;
}

/** y[n, o, oh, ow] = Σ_{c in group, i, j} x[n, c, oh*s - p + i*d, ow*s - p + j*d] · w[o, c', i, j]. */
export function naiveConv2d(x: Float64Array, xs: number[], w: Float64Array, ws: number[], p: NaiveConv): { data: Float64Array; shape: number[] } {
  const [N, C, H, W] = xs;
  const [O, Cg, KH, KW] = ws;
  const OH = Math.floor((H + p.pad[0] + p.pad[1] - p.dil[0] * (KH - 1) - 1) / p.stride[0]) + 1;
  const OW = Math.floor((W + p.pad[2] + p.pad[3] - p.dil[1] * (KW - 1) - 1) / p.stride[1]) + 1;
  const Og = O / p.groups;
  const out = new Float64Array(N * O * OH * OW);
  for (let n = 0; n < N; n++)
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / Og);
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = 0;
          for (let c = 0; c < Cg; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const ih = oh * p.stride[0] - p.pad[0] + i * p.dil[0];
                const iw = ow * p.stride[1] - p.pad[2] + j * p.dil[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                s += x[((n * C + g * Cg + c) * H + ih) * W + iw] * w[((o * Cg + c) * KH + i) * KW + j];
              }
          out[((n * O + o) * OH + oh) * OW + ow] = s;
        }
    }
  return { data: out, shape: [N, O, OH, OW] };
}

/** Asserts every element of `got` within `tol` (relative to 1 + |want|) of `want`. */
export function assertClose(got: { toTypedArray(): ArrayLike<number>; }, want: ArrayLike<number>, tol = 1e-12, what = ""): void {
  const g = got.toTypedArray();
  if (g.length !== want.length) throw new Error(`${what}: length ${g.length} vs ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const a = g[i], b = want[i];
    const ok = (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= tol * (1 + Math.abs(b));
    if (!ok) throw new Error(`${what}[${i}]: got ${a}, want ${b}`);
  }
}
