// WebAssembly SIMD version of `im2col3x3` (./im2col.ts: the unfolding of a "valid" 3x3
// convolution with unit stride and dilation) for float32. Per output row, the three input rows
// under it are read four columns at a time at the three horizontal shifts and stored to the nine
// tap rows: eighteen v128 moves per four output columns instead of 36 scalar ones. A row's last
// vector is moved back to end at the row's end (it rewrites up to three columns with the same
// values), so rows need OW >= 4 and no scalar tail exists. Pure copies: the result is the JS
// kernel's bit for bit, which stays the fallback.
//
// The group's input planes of the chunk's items are staged once into the library's one Wasm
// memory (./wasm/arena.ts), then each channel's nine tap rows (9 x nc*OH*OW elements) are
// unfolded there and copied out with one memcpy, so the unfolding's staging region is a ninth
// of the columns and stays in cache.
import { Body, I32 } from "./fused/wasm-emit.js";
import { imin, imov, iset, loopCount, loopWhileLess, vload, vstore, lazyKernels } from "./wasm-asm.js";
import { heapF32, reserve } from "./wasm/arena.js";
import type { ConvGeom, View4 } from "./im2col.js";

/**
 * unfold(x, col, items, OH, OW, W, itemBytes, L): for one channel, item planes of H x W float32
 * at `x` (`itemBytes` apart), into the nine tap rows at `col`, `L` elements apart, item n's
 * columns starting at n*OH*OW. Needs items, OH >= 1 and OW >= 4.
 */
function unfoldFunc(): Body {
  const b = new Body(8);
  const [pX, pCol, items, OH, OW, W, itemBytes, L] = [0, 1, 2, 3, 4, 5, 6, 7];
  const src = b.local(I32), dst = b.local(I32), oh = b.local(I32), ow = b.local(I32), j = b.local(I32);
  const lastJ = b.local(I32), W4 = b.local(I32), L4 = b.local(I32), rowBytes = b.local(I32);
  const s = b.local(I32), d = b.local(I32), item = b.local(I32);
  iset(b, lastJ, { l: OW }, "sub", 4);
  iset(b, W4, { l: W }, "mul", 4);
  iset(b, L4, { l: L }, "mul", 4);
  iset(b, rowBytes, { l: OW }, "mul", 4);
  imov(b, item, { l: pX });
  // dst walks the first tap row; the other eight are multiples of L4 further.
  imov(b, dst, { l: pCol });
  loopCount(b, items, () => {
    imov(b, src, { l: item });
    imov(b, oh, { l: OH });
    loopCount(b, oh, () => {
      imov(b, ow, 0);
      loopWhileLess(b, () => {
        imin(b, j, { l: ow }, { l: lastJ });
        iset(b, j, { l: j }, "mul", 4);
        iset(b, s, { l: src }, "add", { l: j });
        iset(b, d, { l: dst }, "add", { l: j });
        for (let i = 0; i < 3; i++) {
          // Input row oh + i, shifted by 0, 1, 2 columns, to tap rows 3i, 3i + 1, 3i + 2.
          if (i > 0) iset(b, s, { l: s }, "add", { l: W4 });
          for (let t = 0; t < 3; t++) {
            vstore(b, d, 0, vload(s, 4 * t));
            iset(b, d, { l: d }, "add", { l: L4 });
          }
        }
        iset(b, ow, { l: ow }, "add", 4);
      }, ow, { l: OW });
      iset(b, src, { l: src }, "add", { l: W4 });
      iset(b, dst, { l: dst }, "add", { l: rowBytes });
    });
    iset(b, item, { l: item }, "add", { l: itemBytes });
  });
  return b;
}

/** The compiled kernels (built on first use), or null while Wasm is off or unavailable. */
const ready = lazyKernels(() => [{ name: "unfold", nParams: 8, body: unfoldFunc() }]);

/** Elements staged per call, in and out: bounds the Wasm memory whatever the layer's size. */
const BUDGET = 1 << 20;

/**
 * `im2col3x3` through Wasm for float32 input and columns with contiguous rows (x.s3 = 1); false,
 * nothing written, when the Wasm path is off, OW < 4, or one item's planes of the group exceed
 * the staging budget (then the JS kernel runs).
 */
export function im2col3x3Wasm(x: View4, geo: ConvGeom, g: number, n0: number, nc: number, col: Float32Array): boolean {
  const { H, W, OH, OW } = geo;
  const X = x.data;
  if (!(X instanceof Float32Array) || x.s3 !== 1 || OW < 4 || OH < 1 || nc < 1) return false;
  const Cg = geo.C / geo.G, HW = H * W, P = OH * OW, L = nc * P;
  // Items per pass: their planes of the group, and one channel's nine tap rows, within budget.
  const nb = Math.min(nc, Math.floor(BUDGET / (Cg * HW)), Math.floor(BUDGET / (9 * P)));
  if (nb < 1) return false;
  const k = ready();
  if (k === null) return false;
  // Staged input: item n's Cg planes at n*Cg*HW; then the nine tap rows of one channel.
  const colAt = nb * Cg * HW, Lb = nb * P;
  if (!reserve(4 * (colAt + 9 * Lb))) return false;
  const heap = heapF32();
  const planesDense = x.s2 === W, itemDense = planesDense && (Cg === 1 || x.s1 === HW);
  for (let a = 0; a < nc; a += nb) {
    const m = Math.min(nb, nc - a), Lm = m * P;
    for (let n = 0; n < m; n++) {
      const base = x.offset + (n0 + a + n) * x.s0 + g * Cg * x.s1;
      if (itemDense) heap.set(X.subarray(base, base + Cg * HW), n * Cg * HW);
      else
        for (let c = 0; c < Cg; c++) {
          const p = base + c * x.s1;
          if (planesDense) heap.set(X.subarray(p, p + HW), (n * Cg + c) * HW);
          else for (let h = 0; h < H; h++) heap.set(X.subarray(p + h * x.s2, p + h * x.s2 + W), ((n * Cg + c) * H + h) * W);
        }
    }
    for (let c = 0; c < Cg; c++) {
      k.unfold(4 * c * HW, 4 * colAt, m, OH, OW, W, 4 * Cg * HW, Lm);
      // One copy when the pass holds every item (its tap rows are then the columns' own).
      if (m === nc) col.set(heap.subarray(colAt, colAt + 9 * L), c * 9 * L);
      else for (let r = 0; r < 9; r++) col.set(heap.subarray(colAt + r * Lm, colAt + (r + 1) * Lm), (c * 9 + r) * L + a * P);
    }
  }
  return true;
}
