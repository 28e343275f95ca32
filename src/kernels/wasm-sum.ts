// WebAssembly SIMD row sums for `sumOuterInner` (src/ops/reduce-sum-f32.ts) when the summed runs
// are at least 8 long: the bias gradient of a convolution sums every channel's planes. Bitwise
// the JS kernel's result: its eight float64 accumulators are the eight lanes of four f64x2
// accumulators (lane k takes elements 8t + k), the tail goes into the first one, and they are
// combined in its order; each run's total is then added to its channel in JS, in the same order.
// Runs are staged through the library's one Wasm memory in chunks of whole runs.
import { Body, Expr, F64, I32, S, V128, i32x4v, memarg, simdOp, swapHalves } from "./fused/wasm-emit.js";
import { imov, iset, loopCount, vload, lazyKernels } from "./wasm-asm.js";
import { heapF32, heapF64, reserve } from "./wasm/arena.js";

/** Fewer elements than this stay in JS. */
const MIN_ELEMENTS = 4096;
/** Bytes of staged runs per chunk. */
const CHUNK_BYTES = 192 * 1024;

/**
 * rowsums(x, rows, inner, out): for each of `rows` runs of `inner` >= 8 float32 at x, the JS
 * kernel's float64 total, stored at out (8 bytes each).
 */
function rowSumsFunc(): Body {
  const b = new Body(4);
  const [pX, rows, inner, pOut] = [0, 1, 2, 3];
  const end8 = b.local(I32), end = b.local(I32), bytes8 = b.local(I32), bytes = b.local(I32);
  const acc = [0, 1, 2, 3].map(() => b.local(V128));
  const s0 = b.local(F64);
  iset(b, bytes, { l: inner }, "mul", 4);
  b.push(bytes);
  b.raw(0x41, 0x60, 0x71); // i32.const -32, i32.and: whole blocks of eight
  b.pop(bytes8);
  const zero = i32x4v([0, 0, 0, 0]);
  const widen = (v: Expr): Expr => simdOp(S.f64x2PromoteLowF32x4, v);
  const lane = (l: number, k: number) => (bb: Body) => {
    bb.push(l);
    bb.simd(0x21);
    bb.raw(k);
  };
  loopCount(b, rows, () => {
    for (const a of acc) b.set(a, zero);
    iset(b, end8, { l: pX }, "add", { l: bytes8 });
    iset(b, end, { l: pX }, "add", { l: bytes });
    b.raw(0x03, 0x40);
    {
      const v = b.let(vload(pX)), w = b.let(vload(pX, 16));
      b.set(acc[0], simdOp(S.f64x2Add, (bb) => bb.push(acc[0]), widen(v)));
      b.set(acc[1], simdOp(S.f64x2Add, (bb) => bb.push(acc[1]), widen(swapHalves(v))));
      b.set(acc[2], simdOp(S.f64x2Add, (bb) => bb.push(acc[2]), widen(w)));
      b.set(acc[3], simdOp(S.f64x2Add, (bb) => bb.push(acc[3]), widen(swapHalves(w))));
      iset(b, pX, { l: pX }, "add", 32);
      b.push(pX);
      b.push(end8);
      b.raw(0x49, 0x0d, 0, 0x0b); // i32.lt_u, br_if 0, end
    }
    lane(acc[0], 0)(b);
    b.pop(s0);
    // The tail (fewer than eight) into the first accumulator, one at a time.
    b.raw(0x02, 0x40, 0x03, 0x40);
    b.push(pX);
    b.push(end);
    b.raw(0x4f, 0x0d, 1); // i32.ge_u, br_if 1
    b.push(s0);
    b.push(pX);
    b.raw(0x2a);
    memarg(b, 0, 2);
    b.raw(0xbb, 0xa0); // f64.promote_f32, f64.add
    b.pop(s0);
    iset(b, pX, { l: pX }, "add", 4);
    b.raw(0x0c, 0, 0x0b, 0x0b);
    // s0 + s1 + (s2 + s3) + (s4 + s5 + (s6 + s7)), the JS kernel's grouping.
    b.push(pOut);
    b.push(s0);
    lane(acc[0], 1)(b);
    b.raw(0xa0);
    lane(acc[1], 0)(b);
    lane(acc[1], 1)(b);
    b.raw(0xa0, 0xa0);
    lane(acc[2], 0)(b);
    lane(acc[2], 1)(b);
    b.raw(0xa0);
    lane(acc[3], 0)(b);
    lane(acc[3], 1)(b);
    b.raw(0xa0, 0xa0, 0xa0);
    b.raw(0x39);
    memarg(b, 0, 3);
    imov(b, pX, { l: end });
    iset(b, pOut, { l: pOut }, "add", 8);
  });
  return b;
}

/** The compiled kernels (built on first use), or null while Wasm is off or unavailable. */
const ready = lazyKernels(() => [{ name: "rowsums", nParams: 4, body: rowSumsFunc() }]);

/**
 * acc[m] += the JS kernel's float64 total of run (o, m), for o < outer and m < mid, the runs
 * being `inner` contiguous float32 each from `off` of x; false, nothing done, when the Wasm path
 * is off, runs are shorter than 8, or the whole is under MIN_ELEMENTS.
 */
export function sumRunsWasm(x: Float32Array, off: number, outer: number, mid: number, inner: number, acc: Float64Array): boolean {
  // Small sums: the call and the copy cost more than the JS loop.
  if (inner < 8 || outer * mid * inner < MIN_ELEMENTS) return false;
  const k = ready();
  if (k === null) return false;
  const rows = outer * mid, chunk = Math.max(1, Math.min(rows, Math.floor(CHUNK_BYTES / (4 * inner))));
  const outAt = ((chunk * inner + 1) >> 1) + 1; // float64 index past the staged runs
  if (!reserve(8 * (outAt + chunk))) return false;
  const f32 = heapF32(), f64 = heapF64();
  let m = 0;
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const n = Math.min(chunk, rows - r0);
    f32.set(x.subarray(off + r0 * inner, off + (r0 + n) * inner), 0);
    k.rowsums(0, n, inner, 8 * outAt);
    for (let r = 0; r < n; r++) {
      acc[m] += f64[outAt + r];
      if (++m === mid) m = 0;
    }
  }
  return true;
}
