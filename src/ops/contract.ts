import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { DType, TypedArray, allocArray } from "../tensor/dtype.js";
import { contiguousStrides, shapeSize } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind2 } from "../core/trace.js";
import { MatView } from "../kernels/gemm.js";
import { gemmBest as gemm } from "../kernels/wasm/gemm.js";
import { resultDtype, toTensor } from "./args.js";
import { astype } from "./cast.js";
import { transpose } from "./shape.js";
import { outputArray } from "./out-buffer.js";

/**
 * A general contraction (XLA's dot_general): `lb[i]`/`rb[i]` are paired batch axes, `lc[i]`/`rc[i]`
 * paired contracted axes. The output's axes are the batch axes, then lhs's remaining (free) axes,
 * then rhs's free axes, each group in its operand's axis order.
 */
export interface ContractParams {
  lb: number[];
  rb: number[];
  lc: number[];
  rc: number[];
}

function freeAxes(ndim: number, batch: readonly number[], contract: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) if (!batch.includes(i) && !contract.includes(i)) out.push(i);
  return out;
}

/** A group of axes of a strided view merged into one (size, stride), or null when they don't merge. */
function mergeGroup(shape: readonly number[], strides: readonly number[], axes: readonly number[]): [number, number] | null {
  let size = 1;
  let stride = 1;
  let prev = -1;
  for (const ax of axes) {
    const d = shape[ax];
    size *= d;
    if (d === 1) continue;
    if (prev >= 0 && strides[prev] !== strides[ax] * d) return null;
    prev = ax;
    stride = strides[ax];
  }
  return [size, stride];
}

interface Operand3 {
  view: MatView;
  rows: number;
  cols: number;
  /** Strides of the batch axes one by one (they need not merge: broadcast batches have stride 0). */
  batchStrides: number[];
}

/**
 * Views `x` as batch x rows x cols with the axis groups given, reading its strides directly when
 * the row and column groups each merge into one stride; only otherwise is a contiguous copy made
 * in the grouped order.
 */
function asOperand3(x: Tensor, b: number[], r: number[], c: number[]): Operand3 {
  const gr = mergeGroup(x.shape, x.strides, r);
  const gc = mergeGroup(x.shape, x.strides, c);
  if (gr !== null && gc !== null)
    return { view: { data: x.buffer(), offset: x.offset, batchStride: 0, rowStride: gr[1], colStride: gc[1] }, rows: gr[0], cols: gc[0], batchStrides: b.map((ax) => x.strides[ax]) };
  const perm = b.concat(r, c);
  const shape = perm.map((a) => x.shape[a]);
  const data = transpose(x, perm).contiguousData(false);
  const nr = shapeSize(shape.slice(b.length, b.length + r.length));
  const nc = shapeSize(shape.slice(b.length + r.length));
  const bs = contiguousStrides(shape).slice(0, b.length);
  return { view: { data, offset: 0, batchStride: 0, rowStride: nc, colStride: 1 }, rows: nr, cols: nc, batchStrides: bs };
}

/** One stride for all batch axes, or null when they don't merge. */
function mergedBatchStride(sizes: readonly number[], strides: readonly number[]): number | null {
  const g = mergeGroup(sizes, strides, sizes.map((_, i) => i));
  return g === null ? null : g[1];
}

/**
 * Runs the kernel over the batch axes: one batched call when both operands' batch axes merge,
 * else one call per batch element, stepping offsets odometer-style (no division per element).
 */
function runBatched(A: Operand3, B: Operand3, batchShape: readonly number[], C: MatView): void {
  const m = A.rows, n = B.cols, k = A.cols;
  const nb = shapeSize(batchShape);
  const sa = mergedBatchStride(batchShape, A.batchStrides);
  const sb = mergedBatchStride(batchShape, B.batchStrides);
  if (sa !== null && sb !== null) {
    gemm(nb, m, n, k, { ...A.view, batchStride: sa }, { ...B.view, batchStride: sb }, C);
    return;
  }
  const nd = batchShape.length;
  const idx = new Array<number>(nd).fill(0);
  const av = { ...A.view }, bv = { ...B.view }, cv = { ...C };
  for (let t = 0; t < nb; t++) {
    gemm(1, m, n, k, av, bv, cv);
    cv.offset += m * n;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      av.offset += A.batchStrides[d];
      bv.offset += B.batchStrides[d];
      if (idx[d] < batchShape[d]) break;
      av.offset -= A.batchStrides[d] * batchShape[d];
      bv.offset -= B.batchStrides[d] * batchShape[d];
      idx[d] = 0;
    }
  }
}

/** Storage dtype the kernel computes in: bool products are counted in float64, then tested for nonzero. */
function computeDtype(d: DType): DType {
  return d === "bool" ? "float64" : d;
}

function contractImpl(a0: Arg, b0: Arg, p: ContractParams, into: TypedArray | null = null): Tensor {
  const dt = resultDtype(a0, b0);
  const cdt = computeDtype(dt);
  const a = castConcrete(toTensor(a0), cdt);
  const b = castConcrete(toTensor(b0), cdt);
  const lf = freeAxes(a.ndim, p.lb, p.lc);
  const rf = freeAxes(b.ndim, p.rb, p.rc);
  const outShape = p.lb.map((ax) => a.shape[ax]).concat(lf.map((ax) => a.shape[ax]), rf.map((ax) => b.shape[ax]));
  const size = shapeSize(outShape);
  // bool products are counted in float64 then tested: no caller's buffer for those.
  const out = dt === cdt ? outputArray(into, cdt, size, [a0, b0]) : allocArray(cdt, size);
  if (size > 0) {
    const A = asOperand3(a, p.lb, lf, p.lc);
    const B = asOperand3(b, p.rb, p.rc, rf);
    const n = B.cols;
    runBatched(A, B, p.lb.map((ax) => a.shape[ax]), { data: out, offset: 0, batchStride: A.rows * n, rowStride: n, colStride: 1 });
  }
  if (dt === "bool") return fromBuffer(toBool(out), outShape, "bool");
  return fromBuffer(out, outShape, dt);
}

function castConcrete(x: Tensor, dt: DType): Tensor {
  return x.dtype === dt && !x.weak ? x : astype(x, dt);
}

function toBool(x: TypedArray): Uint8Array {
  const r = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) r[i] = x[i] !== 0 ? 1 : 0;
  return r;
}

/** Transposes `x` so that its axis j is the one labelled j in `labels` (labels lists x's axes by target axis). */
function placeAxes(x: Tensor, labels: readonly number[]): Tensor {
  const perm = labels.map((_, j) => labels.indexOf(j));
  return transpose(x, perm);
}

function castLike(x: Tensor, like: Arg): Tensor {
  const dt = typeof like === "number" ? "float64" : like.dtype;
  return x.dtype === dt ? x : astype(x, dt);
}

/** Contracted axes of one operand, listed in the order of the other operand's paired axes sorted. */
function pairedInOrder(own: readonly number[], other: readonly number[]): number[] {
  const idx = other.map((_, i) => i).sort((i, j) => other[i] - other[j]);
  return idx.map((i) => own[i]);
}

const contractPrim = definePrimitive<ContractParams>({
  name: "dot_general",
  impl: (args, p) => contractImpl(args[0], args[1], p),
  impl2: (a, b, p) => contractImpl(a, b, p),
  // Under jit a product that never reaches the caller is written into a buffer the plan keeps:
  // no fresh (page-faulting) output array per call.
  implInto: (args, p, out) => contractImpl(args[0], args[1], p, out),
  // The cotangent of one operand is g contracted with the other operand over the other's free
  // axes (batch axes stay batch), then transposed back into the operand's axis order.
  vjp: (g, _ans, args, p, i) => {
    const a = toTensor(args[0]);
    const b = toTensor(args[1]);
    const nb = p.lb.length;
    const lf = freeAxes(a.ndim, p.lb, p.lc);
    const rf = freeAxes(b.ndim, p.rb, p.rc);
    const gBatch = p.lb.map((_, j) => j);
    if (i === 0) {
      const gFree = rf.map((_, j) => nb + lf.length + j);
      const r = contract(g, b, { lb: gBatch, rb: p.rb, lc: gFree, rc: rf });
      // r's axes: batch, lhs free, then b's remaining (contracted) axes in b's order.
      const labels = p.lb.concat(lf, pairedInOrder(p.lc, p.rc));
      return castLike(placeAxes(r, labels), args[0]);
    }
    // a comes first so that r's axes are b's contracted axes then its free ones: for a matmul
    // (and any rhs whose contracted axes precede its free axes) r is already in b's axis order,
    // a contiguous gradient rather than a transposed view that every later op reads strided
    // (the SGD update of a weight matrix, for one).
    const gFree = lf.map((_, j) => nb + j);
    const r = contract(a, g, { lb: p.lb, rb: gBatch, lc: lf, rc: gFree });
    // r's axes: batch, a's remaining (contracted) axes in a's order, then rhs free axes.
    const labels = p.rb.concat(pairedInOrder(p.rc, p.lc), rf);
    return castLike(placeAxes(r, labels), args[1]);
  },
  // Bilinear: the tangent from one operand is the same contraction with that operand's tangent.
  jvp: (t, ans, args, p, i) => {
    const r = i === 0 ? contract(t, toTensor(args[1]), p) : contract(toTensor(args[0]), t, p);
    return r.dtype === ans.dtype ? r : astype(r, ans.dtype);
  },
});

/** Validates and binds a general contraction (internal: the products family lowers to it). */
export function contract(a: Tensor, b: Tensor, p: ContractParams, op = "dot_general"): Tensor {
  if (p.lb.length !== p.rb.length || p.lc.length !== p.rc.length)
    throw new ShapeError(`${op}: batch and contracted axis lists must pair up`);
  for (let i = 0; i < p.lb.length; i++)
    if (a.shape[p.lb[i]] !== b.shape[p.rb[i]])
      throw new ShapeError(
        `${op}: batch axis ${p.lb[i]} of ${fmtShape(a.shape)} has size ${a.shape[p.lb[i]]} but axis ${p.rb[i]} of ${fmtShape(b.shape)} has size ${b.shape[p.rb[i]]}`,
      );
  for (let i = 0; i < p.lc.length; i++)
    if (a.shape[p.lc[i]] !== b.shape[p.rc[i]])
      throw new ShapeError(
        `${op}: shape mismatch for sum: axis ${p.lc[i]} of ${fmtShape(a.shape)} has size ${a.shape[p.lc[i]]} but axis ${p.rc[i]} of ${fmtShape(b.shape)} has size ${b.shape[p.rc[i]]}`,
      );
  return bind2(contractPrim, a, b, p);
}
