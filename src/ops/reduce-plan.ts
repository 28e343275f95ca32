import { Tensor, copyStridedInto } from "../tensor/tensor.js";
import { DType, TypedArray, allocArray } from "../tensor/dtype.js";
import { StridedRun, sumRowsInto } from "../kernels/reduce.js";

/**
 * How a reduction walks a strided tensor: one run of `n` elements `stride` apart per output
 * element, the runs starting at the offsets of an odometer over the kept axes.
 */
interface Plan {
  keptShape: number[];
  keptStrides: number[];
  n: number;
  stride: number;
}

/**
 * Collapses the reduced axes into a single strided run when the layout allows it (no copy),
 * else returns null. `orderFree` lets the reduced axes be merged in any order (fine for
 * sum/max/..., not for argmax, whose index is in C order).
 */
function planReduction(shape: readonly number[], strides: readonly number[], axes: readonly number[], orderFree: boolean): Plan | null {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const red: number[] = [];
  let empty = false;
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (shape[i] === 0) empty = true;
      if (shape[i] > 1) red.push(i);
    } else if (shape[i] !== 1) {
      keptShape.push(shape[i]);
      keptStrides.push(strides[i]);
    }
  }
  if (empty) return { keptShape, keptStrides, n: 0, stride: 1 };
  if (red.length === 0) return { keptShape, keptStrides, n: 1, stride: 1 };
  if (orderFree) red.sort((x, y) => Math.abs(strides[y]) - Math.abs(strides[x]));
  let k = red.length - 1;
  const stride = strides[red[k]];
  let n = shape[red[k]];
  for (k--; k >= 0; k--) {
    if (strides[red[k]] !== stride * n) return null;
    n *= shape[red[k]];
  }
  return { keptShape, keptStrides, n, stride };
}

/**
 * Reduces concrete `x` over `axes` (sorted, distinct) with `run`, into a fresh array of dtype
 * `dt` with one value per output element in C order. Contiguous and strided layouts are walked
 * in place; a copy is made only when the reduced axes cannot be merged into one strided run.
 * `sumRows` (sum only) handles "reduce leading axes, keep a contiguous inner block" by adding
 * whole rows, which reads memory in order.
 */
export function reduceInto(x: Tensor, axes: readonly number[], dt: DType, outSize: number, run: StridedRun, orderFree: boolean, sumRows = false): TypedArray {
  const dst = allocArray(dt, outSize);
  if (outSize === 0) return dst;
  const buf = x.buffer();
  if (x.ndim === 0) {
    dst[0] = run(buf, x.offset, 1, 1);
    return dst;
  }
  let plan = planReduction(x.shape, x.strides, axes, orderFree);
  let base = x.offset;
  let src = buf;
  if (plan === null) {
    // Kept axes first, reduced axes last, in C order: each output's inputs become one run.
    const perm: number[] = [];
    for (let i = 0; i < x.ndim; i++) if (!axes.includes(i)) perm.push(i);
    perm.push(...axes);
    src = allocArray(x.dtype, x.size);
    copyStridedInto(buf, x.offset, perm.map((a) => x.shape[a]), perm.map((a) => x.strides[a]), src);
    base = 0;
    let m = 1;
    for (const a of axes) m *= x.shape[a];
    const kept = perm.slice(0, x.ndim - axes.length).filter((a) => x.shape[a] !== 1);
    const keptShape = kept.map((a) => x.shape[a]);
    plan = { keptShape, keptStrides: [], n: m, stride: 1 };
    let s = m;
    for (let i = keptShape.length - 1; i >= 0; i--) {
      plan.keptStrides[i] = s;
      s *= keptShape[i];
    }
  }
  const { keptShape, keptStrides, n, stride } = plan;
  const nk = keptShape.length;
  if (nk === 0) {
    dst[0] = run(src, base, n, stride);
    return dst;
  }
  const inner = keptShape[nk - 1];
  const is = keptStrides[nk - 1];
  const rowsPath = sumRows && is === 1 && stride !== 1 && n > 1 && inner >= 4 && stride >= inner;
  const total = rowsPath ? new Float64Array(inner) : null;
  const block = rowsPath ? new Float64Array(inner) : null;
  const idx = new Array<number>(nk).fill(0);
  let k = 0;
  let p = base;
  for (;;) {
    if (rowsPath) sumRowsInto(src, p, n, stride, inner, dst, k, total!, block!);
    else for (let j = 0, q = p; j < inner; j++, q += is) dst[k + j] = run(src, q, n, stride);
    k += inner;
    let d = nk - 2;
    for (; d >= 0; d--) {
      idx[d]++;
      p += keptStrides[d];
      if (idx[d] < keptShape[d]) break;
      p -= keptStrides[d] * keptShape[d];
      idx[d] = 0;
    }
    if (d < 0) break;
  }
  return dst;
}
