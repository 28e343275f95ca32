// Runs a compiled fused Wasm module on JS typed arrays. The module works on fixed slots of the
// library's one Wasm memory (src/kernels/wasm/arena.ts): each array input and each output has
// a slot of `cap` elements, and the runner moves the data through them chunk by chunk (a
// typed-array `set` of a subarray is a memcpy), so a chunk's inputs, outputs and the code's
// working set stay in cache, and the memory stays the same size whatever n is.
//
// Memory map (bytes from 0): per sum, two float64x2 accumulators (32 bytes); per scalar input,
// 8 bytes (read with a splat load); then the slots, 16-byte aligned: inputs, outputs, and the
// scratch slots through which the module's loops pass values to each other (wasm.ts). Row inputs (in[i % m]) get
// a slot holding the row repeated: when m <= cap, chunks are a whole number of rows long so the
// repeated row is written once per call; longer rows are copied in at most two pieces per chunk.
// Column inputs (in[floor(i / m)]) are filled per chunk, one `fill` per row.
import type { FusedKernel, FusedProgram } from "./program.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { heapF32, heapF64 } from "../wasm/arena.js";

/** Bytes of slots a kernel may use; the chunk length shrinks when a program has many arrays. */
const SLOT_BUDGET = 384 * 1024;
/** Longest chunk, in elements: 16 KB per float32 array, enough to amortize a call and a copy. */
const MAX_CHUNK = 4096;
/** Programs needing chunks shorter than this go to the JS compiler. */
const MIN_CHUNK = 64;

export interface Layout {
  /** Byte offset of each sum's accumulators. */
  sumAt: number[];
  /** Byte offset of each scalar input's value (-1 for other inputs). */
  scalarAt: number[];
  /** Byte offset of each non-scalar input's slot, then each output's (index inputs.length + o). */
  slotAt: number[];
  /** Byte offset of each scratch slot (values passed between the loops of one chunk). */
  scratchAt: number[];
  /** Byte offset of the float32 sign mask (16 bytes), then the magnitude mask (16 bytes). */
  maskAt: number;
  /** Elements per slot (a multiple of 8: the kernels step two vectors at a time). */
  cap: number;
  /** Bytes of Wasm memory the kernel uses. */
  bytes: number;
}

export function planLayout(p: FusedProgram, nScratch: number): Layout | null {
  const E = p.dtype === "float32" ? 4 : 8;
  const nSlots = p.inputs.filter((k) => k !== "scalar").length + p.outputs.length + nScratch;
  const cap = Math.min(MAX_CHUNK, Math.floor(SLOT_BUDGET / Math.max(1, nSlots) / E) & ~7);
  if (cap < MIN_CHUNK) return null;
  const sumAt = p.sums.map((_, s) => 32 * s);
  const maskAt = 32 * p.sums.length;
  let at = maskAt + 32;
  const scalarAt = p.inputs.map((k) => (k === "scalar" ? (at += 8) - 8 : -1));
  at = (at + 15) & ~15;
  const slotAt: number[] = [];
  const slotBytes = cap * E;
  p.inputs.forEach((k) => slotAt.push(k === "scalar" ? -1 : (at += slotBytes) - slotBytes));
  p.outputs.forEach(() => slotAt.push((at += slotBytes) - slotBytes));
  const scratchAt = Array.from({ length: nScratch }, () => (at += slotBytes) - slotBytes);
  return { sumAt, scalarAt, slotAt, scratchAt, maskAt, cap, bytes: at };
}

/** The float32 sign mask, then the magnitude mask, four lanes each (see Body.f32Masks). */
const MASKS = new Int32Array([0x80000000, 0x80000000, 0x80000000, 0x80000000, 0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff]);

/** The FusedKernel around a compiled module's `run(len)`. */
export function makeRunner(p: FusedProgram, layout: Layout, run: (len: number) => void): FusedKernel {
  const f32 = p.dtype === "float32";
  const E = f32 ? 4 : 8;
  const { cap, slotAt, scalarAt } = layout;
  const nIn = p.inputs.length, nOut = p.outputs.length, nSum = p.sums.length;
  const arrays: number[] = [], rows: number[] = [], cols: number[] = [], scalars: number[] = [];
  p.inputs.forEach((kind, k) => {
    if (kind === "array") arrays.push(k);
    else if (kind === "row") rows.push(k);
    else if (kind === "col") cols.push(k);
    else scalars.push(k);
  });
  const perRow = rows.length > 0 || cols.length > 0;

  return (n, m, ins, outs) => {
    const heap = f32 ? heapF32() : heapF64();
    const h64 = heapF64();
    h64.fill(0, 0, 4 * nSum);
    // Every kernel shares this memory, so the masks are written on every call.
    new Int32Array(h64.buffer, layout.maskAt, 8).set(MASKS);
    for (const k of scalars) heap[scalarAt[k] / E] = ins[k] as number;
    // Chunks are whole rows when rows fit in a slot, so each chunk starts at column 0.
    const L = perRow && m > 0 && m <= cap ? cap - (cap % m) : cap;
    if (m <= cap) {
      for (const k of rows) {
        const row = (ins[k] as TypedArray).subarray(0, m), base = slotAt[k] / E, fill = Math.min(L, n);
        for (let j = 0; j < fill; j += m) heap.set(row, base + j);
      }
    }
    for (let s = 0; s < n; s += L) {
      const len = Math.min(L, n - s);
      for (const k of arrays) heap.set((ins[k] as TypedArray).subarray(s, s + len), slotAt[k] / E);
      if (m > cap) for (const k of rows) stageLongRow(heap, slotAt[k] / E, ins[k] as TypedArray, m, s, len);
      for (const k of cols) stageCol(heap, slotAt[k] / E, ins[k] as TypedArray, m, s, len);
      run(len);
      for (let o = 0; o < nOut; o++) {
        const base = slotAt[nIn + o] / E;
        outs[o].set(heap.subarray(base, base + len), s);
      }
    }
    const sums = new Array<number>(nSum);
    for (let j = 0; j < nSum; j++) {
      const a = 4 * j;
      sums[j] = h64[a] + h64[a + 1] + (h64[a + 2] + h64[a + 3]);
    }
    return sums;
  };
}

/** row[(s + i) % m] for i < len, when m > len: the tail of the row, then maybe its head. */
function stageLongRow(heap: TypedArray, base: number, row: TypedArray, m: number, s: number, len: number): void {
  const r0 = s % m, first = Math.min(len, m - r0);
  heap.set(row.subarray(r0, r0 + first), base);
  if (first < len) heap.set(row.subarray(0, len - first), base + first);
}

/** col[floor((s + i) / m)] for i < len: one fill per row the chunk touches. */
function stageCol(heap: TypedArray, base: number, col: TypedArray, m: number, s: number, len: number): void {
  for (let i = 0; i < len; ) {
    const r = Math.floor((s + i) / m), next = Math.min(len, (r + 1) * m - s);
    heap.fill(col[r], base + i, base + next);
    i = next;
  }
}
