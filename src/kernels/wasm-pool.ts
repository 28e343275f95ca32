// WebAssembly SIMD versions of the two 2x2, stride-2 max-pooling kernels of a CNN's step (the
// forward pass with its argmax positions, and the scatter of the output gradient to them), for
// contiguous float32 planes. Four windows per vector: the two input rows of a window pair are
// loaded as two vectors each and split into their even and odd columns with shuffles, so the
// comparisons and selections run on all four windows at once, without branches.
//
// Results are bitwise those of the JS kernels (./pool.ts), which stay the fallback: values are
// selected by bit masks, never recomputed, and the comparison rule is theirs. One rule covers
// both of their branches: candidate x replaces the best y when x > y, or when x is NaN and y is
// not. Folded over a window in row-major order it keeps the first strict maximum, or the first
// NaN when there is one; the JS tournament (row winners, then the better row, the bottom one
// only when strictly greater) gives the same answer for windows without NaN, and its ordered
// chain the same for windows with one. A row's last vector of windows is moved back to end at
// the row's end (it recomputes, and rewrites with the same values, up to three windows), so
// rows need at least four windows and no scalar tail loop exists.
//
// Data are staged through the library's one Wasm memory (./wasm/arena.ts) in chunks of whole
// planes of at most CHUNK_BYTES, so the memory stays bounded and the chunk stays in cache
// between the copy in, the kernel and the copy out.
import { Body, Expr, I32, S, V128, f32x4c, get, i32x4v, simdOp } from "./fused/wasm-emit.js";
import { imin, imov, iset, loopCount, loopWhileLess, shuffle32, splat, vload, vstore, lazyKernels } from "./wasm-asm.js";
import { heapF32, reserve } from "./wasm/arena.js";

/** Bytes of staged input and output per chunk of planes. */
const CHUNK_BYTES = 192 * 1024;

/** x replaces y: x > y, or x is NaN and y is not (lane masks). */
function beats(x: Expr, y: Expr): Expr {
  return simdOp(S.or, simdOp(S.f32x4Gt, x, y), simdOp(S.andnot, simdOp(S.f32x4Ne, x, x), simdOp(S.f32x4Ne, y, y)));
}

const EVEN: [number, number, number, number] = [0, 2, 4, 6];
const ODD: [number, number, number, number] = [1, 3, 5, 7];
const I32X4_EQ = 0x37;

/**
 * maxpool(in, out, idx, planes, W, OH, OW, planeBytes): planes of H x W float32 at `in`
 * (`planeBytes` apart) pooled into contiguous OH x OW planes at `out`, the in-plane flat index
 * of each maximum at `idx` (int32). Needs planes, OH >= 1 and OW >= 4.
 */
function maxPoolFunc(): Body {
  const b = new Body(8);
  const [pIn, pOut, pIdx, planes, W, OH, OW, planeBytes] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rowIn = b.local(I32), at = b.local(I32), oh = b.local(I32), ow = b.local(I32), j = b.local(I32);
  const lastJ = b.local(I32), W4 = b.local(I32), addr = b.local(I32), o4 = b.local(I32), rowBytes = b.local(I32);
  const wv = b.local(V128);
  iset(b, lastJ, { l: OW }, "sub", 4);
  iset(b, W4, { l: W }, "mul", 4);
  iset(b, rowBytes, { l: OW }, "mul", 4);
  b.set(wv, splat({ l: W }));
  loopCount(b, planes, () => {
    imov(b, rowIn, { l: pIn });
    imov(b, at, 0);
    imov(b, oh, { l: OH });
    loopCount(b, oh, () => {
      imov(b, ow, 0);
      loopWhileLess(b, () => {
        imin(b, j, { l: ow }, { l: lastJ });
        // Input columns 2j.. 2j+7 of both rows.
        iset(b, addr, { l: j }, "mul", 8);
        iset(b, addr, { l: addr }, "add", { l: rowIn });
        const v0 = b.let(vload(addr)), v1 = b.let(vload(addr, 16));
        iset(b, addr, { l: addr }, "add", { l: W4 });
        const v2 = b.let(vload(addr)), v3 = b.let(vload(addr, 16));
        const a = b.let(shuffle32(v0, v1, EVEN)), bb = b.let(shuffle32(v0, v1, ODD));
        const c = b.let(shuffle32(v2, v3, EVEN)), d = b.let(shuffle32(v2, v3, ODD));
        const top = b.let(beats(bb, a)), bot = b.let(beats(d, c));
        const vt = b.let(simdOp(S.bitselect, bb, a, top)), vb = b.let(simdOp(S.bitselect, d, c, bot));
        const low = b.let(beats(vb, vt));
        iset(b, o4, { l: j }, "mul", 4);
        iset(b, addr, { l: o4 }, "add", { l: pOut });
        vstore(b, addr, 0, simdOp(S.bitselect, vb, vt, low));
        // Window k's top-left position is at + 2(j + k); a winning mask lane is -1, so
        // subtracting it adds the winner's column offset.
        iset(b, addr, { l: j }, "mul", 2);
        iset(b, addr, { l: addr }, "add", { l: at });
        const base = b.let(simdOp(S.i32x4Add, splat({ l: addr }), i32x4v([0, 2, 4, 6])));
        const it = simdOp(S.i32x4Sub, base, top);
        const ib = simdOp(S.i32x4Sub, simdOp(S.i32x4Add, base, get(wv)), bot);
        iset(b, addr, { l: o4 }, "add", { l: pIdx });
        vstore(b, addr, 0, simdOp(S.bitselect, ib, it, low));
        iset(b, ow, { l: ow }, "add", 4);
      }, ow, { l: OW });
      iset(b, rowIn, { l: rowIn }, "add", { l: W4 });
      iset(b, rowIn, { l: rowIn }, "add", { l: W4 });
      iset(b, at, { l: at }, "add", { l: W });
      iset(b, at, { l: at }, "add", { l: W });
      iset(b, pOut, { l: pOut }, "add", { l: rowBytes });
      iset(b, pIdx, { l: pIdx }, "add", { l: rowBytes });
    });
    iset(b, pIn, { l: pIn }, "add", { l: planeBytes });
  });
  return b;
}

/**
 * scatter(g, idx, out, planes, W, OH, OW, planeBytes): out (planes of H x W, `planeBytes`
 * apart, cells outside every window left as they are) gets g + 0 at each window's recorded
 * position and +0 at the window's other three cells. Needs planes, OH >= 1 and OW >= 4.
 */
function scatterFunc(): Body {
  const b = new Body(8);
  const [pG, pIdx, pOut, planes, W, OH, OW, planeBytes] = [0, 1, 2, 3, 4, 5, 6, 7];
  const rowOut = b.local(I32), at = b.local(I32), oh = b.local(I32), ow = b.local(I32), j = b.local(I32);
  const lastJ = b.local(I32), W4 = b.local(I32), addr = b.local(I32), rowBytes = b.local(I32), planeOut = b.local(I32);
  const wv = b.local(V128);
  iset(b, lastJ, { l: OW }, "sub", 4);
  iset(b, W4, { l: W }, "mul", 4);
  iset(b, rowBytes, { l: OW }, "mul", 4);
  b.set(wv, splat({ l: W }));
  imov(b, planeOut, { l: pOut });
  loopCount(b, planes, () => {
    imov(b, rowOut, { l: planeOut });
    imov(b, at, 0);
    imov(b, oh, { l: OH });
    loopCount(b, oh, () => {
      imov(b, ow, 0);
      loopWhileLess(b, () => {
        imin(b, j, { l: ow }, { l: lastJ });
        iset(b, addr, { l: j }, "mul", 4);
        iset(b, addr, { l: addr }, "add", { l: pIdx });
        const ix = b.let(vload(addr));
        iset(b, addr, { l: j }, "mul", 4);
        iset(b, addr, { l: addr }, "add", { l: pG });
        // 0 + g, as the JS kernel's += into a zeroed array computes it (-0 becomes +0).
        const gz = b.let(simdOp(S.f32x4Add, vload(addr), f32x4c(0)));
        iset(b, addr, { l: j }, "mul", 2);
        iset(b, addr, { l: addr }, "add", { l: at });
        const base = b.let(simdOp(S.i32x4Add, splat({ l: addr }), i32x4v([0, 2, 4, 6])));
        const baseW = b.let(simdOp(S.i32x4Add, base, get(wv)));
        const one = i32x4v([1, 1, 1, 1]);
        const pick = (pos: Expr) => b.let(simdOp(S.and, gz, simdOp(I32X4_EQ, ix, pos)));
        const A = pick(base), B = pick(simdOp(S.i32x4Add, base, one));
        const C = pick(baseW), D = pick(simdOp(S.i32x4Add, baseW, one));
        iset(b, addr, { l: j }, "mul", 8);
        iset(b, addr, { l: addr }, "add", { l: rowOut });
        vstore(b, addr, 0, shuffle32(A, B, [0, 4, 1, 5]));
        vstore(b, addr, 16, shuffle32(A, B, [2, 6, 3, 7]));
        iset(b, addr, { l: addr }, "add", { l: W4 });
        vstore(b, addr, 0, shuffle32(C, D, [0, 4, 1, 5]));
        vstore(b, addr, 16, shuffle32(C, D, [2, 6, 3, 7]));
        iset(b, ow, { l: ow }, "add", 4);
      }, ow, { l: OW });
      iset(b, rowOut, { l: rowOut }, "add", { l: W4 });
      iset(b, rowOut, { l: rowOut }, "add", { l: W4 });
      iset(b, at, { l: at }, "add", { l: W });
      iset(b, at, { l: at }, "add", { l: W });
      iset(b, pG, { l: pG }, "add", { l: rowBytes });
      iset(b, pIdx, { l: pIdx }, "add", { l: rowBytes });
    });
    iset(b, planeOut, { l: planeOut }, "add", { l: planeBytes });
  });
  return b;
}

/** The compiled kernels (built on first use), or null while Wasm is off or unavailable. */
const ready = lazyKernels(() => [
      { name: "maxpool", nParams: 8, body: maxPoolFunc() },
      { name: "scatter", nParams: 8, body: scatterFunc() },
    ]);

/** Whether the Wasm kernels take this geometry (see the top of the file). */
function fits(planes: number, OH: number, OW: number): boolean {
  return planes > 0 && OH > 0 && OW >= 4;
}

/** Planes per chunk for `perPlane` staged bytes each. */
function chunkPlanes(perPlane: number, planes: number): number {
  return Math.max(1, Math.min(planes, Math.floor(CHUNK_BYTES / perPlane)));
}

/**
 * `maxPool2x2` of ./pool.ts for `planes` contiguous float32 planes of H x W starting at `off` of
 * `X` (each window inside the input: 2*OH <= H, 2*OW <= W): the maxima into `out`, their
 * in-plane positions into `idx`. False, nothing written, when the Wasm path does not apply.
 */
export function maxPool2x2Wasm(X: Float32Array, off: number, planes: number, H: number, W: number, OH: number, OW: number, out: Float32Array, idx: Int32Array): boolean {
  if (!fits(planes, OH, OW)) return false;
  const k = ready();
  if (k === null) return false;
  const HW = H * W, OHW = OH * OW;
  const chunk = chunkPlanes(4 * (HW + 2 * OHW), planes);
  const outAt = chunk * HW, idxAt = outAt + chunk * OHW;
  if (!reserve(4 * (idxAt + chunk * OHW))) return false;
  const heap = heapF32();
  const ints = new Int32Array(heap.buffer, 0, idxAt + chunk * OHW);
  for (let p0 = 0; p0 < planes; p0 += chunk) {
    const np = Math.min(chunk, planes - p0);
    heap.set(X.subarray(off + p0 * HW, off + (p0 + np) * HW), 0);
    k.maxpool(0, 4 * outAt, 4 * idxAt, np, W, OH, OW, 4 * HW);
    out.set(heap.subarray(outAt, outAt + np * OHW), p0 * OHW);
    idx.set(ints.subarray(idxAt, idxAt + np * OHW), p0 * OHW);
  }
  return true;
}

/**
 * `scatterPlanes` of ./pool.ts for the positions a 2x2, stride-2 pooling without padding
 * recorded (each inside its window, 2*OH <= H, 2*OW <= W): `dx` (contiguous float32, zero on
 * entry) gets 0 + g at each position. False, nothing written, when the Wasm path does not apply.
 */
export function scatter2x2Wasm(g: Float32Array, idx: Int32Array, planes: number, H: number, W: number, OH: number, OW: number, dx: Float32Array): boolean {
  if (!fits(planes, OH, OW)) return false;
  const k = ready();
  if (k === null) return false;
  const HW = H * W, OHW = OH * OW;
  const chunk = chunkPlanes(4 * (HW + 2 * OHW), planes);
  const idxAt = chunk * OHW, outAt = 2 * chunk * OHW;
  if (!reserve(4 * (outAt + chunk * HW))) return false;
  const heap = heapF32();
  const ints = new Int32Array(heap.buffer, 0, outAt);
  // Cells past the last window row or column are written by no window: zero, as in dx.
  const ragged = H !== 2 * OH || W !== 2 * OW;
  for (let p0 = 0; p0 < planes; p0 += chunk) {
    const np = Math.min(chunk, planes - p0);
    heap.set(g.subarray(p0 * OHW, (p0 + np) * OHW), 0);
    ints.set(idx.subarray(p0 * OHW, (p0 + np) * OHW), idxAt);
    if (ragged) heap.fill(0, outAt, outAt + np * HW);
    k.scatter(0, 4 * idxAt, 4 * outAt, np, W, OH, OW, 4 * HW);
    dx.set(heap.subarray(outAt, outAt + np * HW), p0 * HW);
  }
  return true;
}
