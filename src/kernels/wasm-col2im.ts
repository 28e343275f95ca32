// WebAssembly SIMD version of `col2im3x3` (./im2col.ts) for float32 columns that already lie in
// the library's Wasm memory (the input-gradient product, read where the GEMM driver left it:
// ./conv-direct.ts). Columns in JS arrays keep the JS kernel: staging them would cost as much
// as the kernel saves.
//
// Bitwise the JS kernel's results: JS adds float32 values in float64 and rounds once on the
// store, so this kernel does the same on f64x2 lanes (two output columns per vector), with the
// JS kernel's order of additions: each kernel row's taps left to right, then the rows' sums
// ((row 0 + row 1) + row 2) added to dx with one rounding in the rows under all three kernel
// rows, and kernel row by kernel row, rounding after each, in the two rows at either edge.
// Taps that do not exist at the first two and last two columns are replaced by -0, the exact
// identity of IEEE addition (x + -0 = x for every x, -0 and NaN included), so the sums are
// those of the terms that exist. The middle columns run in vectors of two, the last one moved
// back to end at column OW - 1; dx is read from one staging region and written to another, so
// recomputing a column writes the same value. One exception to "bitwise": a NaN made by
// Infinity - Infinity, or met with another NaN, gets the sign and payload the hardware's operand
// order gives, which JS does not pin down either (V8 may swap a commutative add's operands);
// NaN results stay NaN at the same places, and every other value is the same bit for bit.
import { Body, Expr, I32, S, f64x2c, i32x4v, memarg, simdOp } from "./fused/wasm-emit.js";
import { imin, imov, iset, loopCount, loopWhileLess, lazyKernels } from "./wasm-asm.js";
import { heapF32, reserve } from "./wasm/arena.js";
import type { ConvGeom } from "./im2col.js";

const LOAD64_ZERO = 0x5d, STORE64_LANE = 0x5b;

/** Two float32 at `addr` (a local) + `off` bytes, widened to f64x2. */
function load2(addr: number, off = 0): Expr {
  return (b) => {
    b.push(addr);
    b.simd(LOAD64_ZERO);
    memarg(b, off, 0);
    b.simd(S.f64x2PromoteLowF32x4);
  };
}

/** Which taps j = 0, 1, 2 exist in each of the vector's two columns (null: all of them). */
type Masks = [Expr, Expr, Expr] | null;

/**
 * col2im(dxIn, dxOut, col, L4, OW, H, items, itemBytes, P4, table): one channel. Item n's plane
 * (H x (OW+2) float32) is read at dxIn + n*itemBytes and written at dxOut + n*itemBytes; its tap
 * rows start at col + n*P4, `L4` bytes apart. `table` holds per input row h four i32: the mode
 * (1: one kernel row, 2: two, rounding after each, 3: three, one rounding) and the byte offsets
 * from the item's columns of each kernel row's first tap at that row.
 */
function col2imFunc(): Body {
  const b = new Body(10);
  const [pIn, pOut, pCol, L4, OW, H, items, itemBytes, P4, pTab] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const rowIn = b.local(I32), rowOut = b.local(I32), tab = b.local(I32), h = b.local(I32), mode = b.local(I32);
  const w = b.local(I32), cw = b.local(I32), lastW = b.local(I32), W4 = b.local(I32), OW4 = b.local(I32), colBase = b.local(I32);
  const addr = b.local(I32);
  // src[k][j]: kernel row k's tap j, shifted back by j columns: its column w reads (src + 4w).
  const src = [0, 1, 2].map(() => [0, 1, 2].map(() => b.local(I32)));
  iset(b, lastW, { l: OW }, "sub", 2);
  iset(b, OW4, { l: OW }, "mul", 4);
  iset(b, W4, { l: OW4 }, "add", 8); // W = OW + 2
  const NEG0 = f64x2c(-0);
  const lane = (lo: boolean, hi: boolean) => i32x4v([lo ? -1 : 0, lo ? -1 : 0, hi ? -1 : 0, hi ? -1 : 0]);
  // Columns 0, 1: tap 0 in both, tap 1 in column 1, tap 2 in neither. Columns OW, OW+1: tap 0
  // in neither, tap 1 in column OW, tap 2 in both.
  const LEFT: Masks = [lane(true, true), lane(false, true), lane(false, false)];
  const RIGHT: Masks = [lane(false, false), lane(true, false), lane(true, true)];

  /** Kernel row k's sum at the column in `cw`: (t0 + t1) + t2. */
  const rowSum = (k: number, m: Masks): Expr => {
    const t = [0, 1, 2].map((j) => {
      iset(b, addr, { l: src[k][j] }, "add", { l: cw });
      const v = b.let(load2(addr));
      return m === null ? v : b.let(simdOp(S.bitselect, v, NEG0, m[j]));
    });
    return b.let(simdOp(S.f64x2Add, simdOp(S.f64x2Add, t[0], t[1]), t[2]));
  };
  const round = (x: Expr): Expr => simdOp(S.f64x2PromoteLowF32x4, simdOp(S.f32x4DemoteF64x2Zero, x));

  /** One vector of two columns at `cw` in mode `md`. */
  const vector = (md: number, m: Masks): void => {
    iset(b, addr, { l: rowIn }, "add", { l: cw });
    const old = b.let(load2(addr));
    let r: Expr;
    if (md === 3) {
      const A = rowSum(0, m), B = rowSum(1, m), C = rowSum(2, m);
      r = simdOp(S.f64x2Add, old, simdOp(S.f64x2Add, simdOp(S.f64x2Add, A, B), C));
    } else {
      r = simdOp(S.f64x2Add, old, rowSum(0, m));
      if (md === 2) r = simdOp(S.f64x2Add, round(r), rowSum(1, m));
    }
    const out = b.let(simdOp(S.f32x4DemoteF64x2Zero, r));
    iset(b, addr, { l: rowOut }, "add", { l: cw });
    b.push(addr);
    out(b);
    b.simd(STORE64_LANE);
    memarg(b, 0, 0);
    b.raw(0);
  };

  const rowPass = (md: number): void => {
    imov(b, cw, 0);
    vector(md, LEFT);
    imov(b, w, 2);
    loopWhileLess(b, () => {
      imin(b, cw, { l: w }, { l: lastW });
      iset(b, cw, { l: cw }, "mul", 4);
      vector(md, null);
      iset(b, w, { l: w }, "add", 2);
    }, w, { l: OW });
    imov(b, cw, { l: OW4 });
    vector(md, RIGHT);
  };

  imov(b, colBase, { l: pCol });
  loopCount(b, items, () => {
    imov(b, rowIn, { l: pIn });
    imov(b, rowOut, { l: pOut });
    imov(b, tab, { l: pTab });
    imov(b, h, { l: H });
    loopCount(b, h, () => {
      b.push(tab);
      b.raw(0x28);
      memarg(b, 0, 2);
      b.pop(mode);
      for (let k = 0; k < 3; k++) {
        b.push(tab);
        b.raw(0x28);
        memarg(b, 4 + 4 * k, 2);
        b.push(colBase);
        b.raw(0x6a);
        b.pop(src[k][0]);
        for (let j = 1; j < 3; j++) {
          iset(b, src[k][j], { l: src[k][j - 1] }, "add", { l: L4 });
          iset(b, src[k][j], { l: src[k][j] }, "sub", 4);
        }
      }
      // block { if mode == 3 { ...; br block } if mode == 2 { ...; br block } ... }
      b.raw(0x02, 0x40);
      for (const md of [3, 2]) {
        b.push(mode);
        b.raw(0x41, md, 0x46, 0x04, 0x40);
        rowPass(md);
        b.raw(0x0c, 1, 0x0b);
      }
      rowPass(1);
      b.raw(0x0b);
      iset(b, rowIn, { l: rowIn }, "add", { l: W4 });
      iset(b, rowOut, { l: rowOut }, "add", { l: W4 });
      iset(b, tab, { l: tab }, "add", 16);
    });
    iset(b, pIn, { l: pIn }, "add", { l: itemBytes });
    iset(b, pOut, { l: pOut }, "add", { l: itemBytes });
    iset(b, colBase, { l: colBase }, "add", { l: P4 });
  });
  return b;
}

/** The compiled kernels (built on first use), or null while Wasm is off or unavailable. */
const ready = lazyKernels(() => [{ name: "col2im", nParams: 10, body: col2imFunc() }]);

/** The per-row table of `col2imFunc` for OH output rows of OW, tap rows `pitch` apart. */
function rowTable(H: number, OH: number, OW: number, pitch: number): Int32Array {
  const t = new Int32Array(4 * H);
  // Kernel row i's first tap row is 3i tap rows down; it reads input row h from output row h - i.
  const off = (i: number, h: number) => 4 * (3 * i * pitch + (h - i) * OW);
  for (let h = 0; h < H; h++) {
    if (h >= 2 && h < OH) t.set([3, off(0, h), off(1, h), off(2, h)], 4 * h);
    else {
      const lo = Math.max(0, h - OH + 1), hi = Math.min(2, h);
      t.set([hi > lo ? 2 : 1, off(lo, h), hi > lo ? off(lo + 1, h) : 0, 0], 4 * h);
    }
  }
  return t;
}

/** Elements of dx staged per pass (in, and again out): bounds the Wasm memory. */
const BUDGET = 1 << 20;

/**
 * `col2im3x3` through Wasm when `col` is a float32 view of the Wasm memory and dx float32;
 * false, nothing written, otherwise (or when OW < 4, or one item's planes of the group exceed
 * the staging budget).
 */
export function col2im3x3Wasm(col: Float32Array, geo: ConvGeom, g: number, n0: number, nc: number, dx: Float32Array, pitch: number): boolean {
  const { C, H, W, OH, OW } = geo;
  if (OW < 4 || OH < 1 || nc < 1 || W !== OW + 2 || H !== OH + 2) return false;
  const Cg = C / geo.G, HW = H * W, P = OH * OW, block = Cg * HW;
  const nb = Math.min(nc, Math.floor(BUDGET / block));
  if (nb < 1) return false;
  const k = ready();
  if (k === null || col.buffer !== heapF32().buffer) return false;
  // After the columns (Cg*9 rows `pitch` apart, plus a little the edge vectors may read past
  // the last one): the staged dx in and out, then the row table.
  const colAt = col.byteOffset >> 2;
  const inAt = (colAt + Cg * 9 * pitch + 16) & ~3, outAt = inAt + nb * block, tabAt = outAt + nb * block;
  if (!reserve(4 * (tabAt + 4 * H))) return false;
  const heap = heapF32();
  new Int32Array(heap.buffer, 4 * tabAt, 4 * H).set(rowTable(H, OH, OW, pitch));
  for (let a = 0; a < nc; a += nb) {
    const m = Math.min(nb, nc - a);
    // The items' planes of the group are contiguous in dx: one copy each way.
    const d = ((n0 + a) * C + g * Cg) * HW, contiguous = Cg === C || m === 1;
    if (contiguous) heap.set(dx.subarray(d, d + m * block), inAt);
    else for (let n = 0; n < m; n++) heap.set(dx.subarray(d + n * C * HW, d + n * C * HW + block), inAt + n * block);
    for (let c = 0; c < Cg; c++)
      k.col2im(4 * (inAt + c * HW), 4 * (outAt + c * HW), 4 * (colAt + c * 9 * pitch + a * P), 4 * pitch, OW, H, m, 4 * block, 4 * P, 4 * tabAt);
    if (contiguous) dx.set(heap.subarray(outAt, outAt + m * block), d);
    else for (let n = 0; n < m; n++) dx.set(heap.subarray(outAt + n * block, outAt + (n + 1) * block), d + n * C * HW);
  }
  return true;
}
