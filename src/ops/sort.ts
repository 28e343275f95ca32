import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { allocArray } from "../tensor/dtype.js";
import { normalizeAxis } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { definePrimitive } from "../core/primitive.js";
import { bind, bind1 } from "../core/trace.js";
import { toArg, toTensor } from "./args.js";
import { reshape } from "./shape.js";
import { lanesOf, permuteAlongAxis, permuteByIndex } from "./take-axis.js";
import { underJit } from "../core/graph.js";
import { intList, isOptions } from "./construct-opts.js";
import { readLane } from "../kernels/lanes.js";
import { argpartitionLane, argsortLane, searchSorted, RADIX_MIN } from "../kernels/sort.js";
import { radixSortValues } from "../kernels/radix.js";

// Sorting and selection. The index-valued functions are non-differentiable primitives; sort and
// partition are the gathers those indices describe, so their gradients scatter by the permutation.

export interface SortOptions {
  axis?: number | null;
  /** Accepted for NumPy compatibility; every sort here is stable (a valid result for any kind). */
  kind?: "quicksort" | "mergesort" | "heapsort" | "stable" | null;
  stable?: boolean | null;
}

const KINDS = ["quicksort", "mergesort", "heapsort", "stable"];

function readSortArgs(a: ArrayLike, axisOrOpts: number | null | SortOptions | undefined, op: string): [Tensor, number] {
  const o: SortOptions = isOptions(axisOrOpts) ? (axisOrOpts as SortOptions) : { axis: axisOrOpts as number | null | undefined };
  if (o.kind !== undefined && o.kind !== null && !KINDS.includes(o.kind))
    throw new ArgumentError(`${op}: unknown kind ${JSON.stringify(o.kind)}; use one of ${KINDS.join(", ")}`);
  const x = toTensor(toArg(a));
  const axis = o.axis === undefined ? -1 : o.axis;
  if (axis === null) return [reshape(x, [-1]), 0];
  if (x.ndim === 0) throw new ShapeError(`${op}: axis ${axis} is out of bounds for a 0-d array; use axis null to sort it as 1-d`);
  return [x, normalizeAxis(axis, x.ndim, op)];
}

/** Runs `perLane` over each lane along `axis`, collecting int32 positions of x's shape. */
function laneIndices(x: Tensor, axis: number, perLane: (v: Float64Array, n: number, ix: Int32Array, tmp: Int32Array) => void): Tensor {
  const [src, outer, n, inner] = lanesOf(x, axis);
  const out = new Int32Array(x.size);
  const v = new Float64Array(n);
  const ix = new Int32Array(n);
  const tmp = new Int32Array(n);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      readLane(src, base, n, inner, v);
      perLane(v, n, ix, tmp);
      for (let j = 0, p = base; j < n; j++, p += inner) out[p] = ix[j];
    }
  return fromBuffer(out, x.shape.slice(), "int32");
}

const argsortPrim = definePrimitive<{ axis: number }>({
  name: "argsort",
  impl: (args, p) => laneIndices(toTensor(args[0]), p.axis, argsortLane),
  nondiff: true,
});

/** `np.argsort(a, axis = -1)` (or `{axis, kind, stable}`): stable, NaNs last; int32 positions. */
export function argsort(a: ArrayLike, axis?: number | null | SortOptions): Tensor {
  const [x, ax] = readSortArgs(a, axis, "argsort");
  return bind1(argsortPrim, x, { axis: ax });
}

/** Sorted values without indices: the eager path, when no transform needs the permutation. */
function sortValues(x: Tensor, axis: number): Tensor {
  const [src, outer, n, inner] = lanesOf(x, axis);
  const dst = allocArray(x.dtype, x.size);
  const radix = n >= RADIX_MIN && x.dtype !== "bool";
  const lane = radix ? new Float64Array(n) : allocArray(x.dtype, n);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      if (!radix) {
        for (let j = 0, p = base; j < n; j++, p += inner) lane[j] = src[p];
        lane.sort();
      } else {
        // NaNs go last; the rest sort by radix.
        let k = 0;
        for (let j = 0, p = base; j < n; j++, p += inner) if (src[p] === src[p]) lane[k++] = src[p];
        radixSortValues(lane as Float64Array, k);
        lane.fill(NaN, k);
      }
      for (let j = 0, p = base; j < n; j++, p += inner) dst[p] = lane[j];
    }
  return fromBuffer(dst, x.shape.slice(), x.dtype);
}

/**
 * `np.sort(a, axis = -1)` (or `{axis, kind, stable}`; axis null sorts the flattened array).
 * Differentiable along any axis: the gradient goes back through the sorting permutation.
 */
export function sort(a: ArrayLike, axis?: number | null | SortOptions): Tensor {
  const [x, ax] = readSortArgs(a, axis, "sort");
  if (x.trace === null) return sortValues(x, ax);
  if (underJit(x)) return permuteByIndex(x, bind1(argsortPrim, x, { axis: ax }), ax);
  const index = bind1(argsortPrim, x, { axis: ax }).concrete();
  return permuteAlongAxis(x, { axis: ax, index: index.contiguousData(false) as Int32Array, inverse: null });
}

export interface PartitionOptions {
  axis?: number | null;
  kind?: "introselect";
}

function readPartitionArgs(
  a: ArrayLike,
  kth: number | readonly number[] | Tensor,
  axisOrOpts: number | null | PartitionOptions | undefined,
  op: string,
): [Tensor, number, number[]] {
  const o: PartitionOptions = isOptions(axisOrOpts) ? (axisOrOpts as PartitionOptions) : { axis: axisOrOpts as number | null | undefined };
  if (o.kind !== undefined && o.kind !== "introselect")
    throw new ArgumentError(`${op}: unknown kind ${JSON.stringify(o.kind)}; the only selection algorithm is "introselect"`);
  const [x, ax] = readSortArgs(a, o.axis === undefined ? -1 : o.axis, op);
  const n = x.shape[ax];
  const ks = intList(kth, op, "kth").map((k) => {
    if (k < -n || k >= n) throw new ShapeError(`${op}: kth ${k} is out of bounds for axis ${ax} of size ${n} (shape ${fmtShape(x.shape)})`);
    return k < 0 ? k + n : k;
  });
  return [x, ax, [...new Set(ks)].sort((p, q) => p - q)];
}

const argpartitionPrim = definePrimitive<{ axis: number; kth: number[] }>({
  name: "argpartition",
  impl: (args, p) => laneIndices(toTensor(args[0]), p.axis, (v, n, ix, tmp) => argpartitionLane(v, n, p.kth, ix, tmp)),
  nondiff: true,
});

/**
 * `np.argpartition(a, kth, axis = -1)` (or `{axis}`; kth an integer or a list): positions that put
 * the kth smallest value of each lane at index kth, smaller ones before and larger ones after.
 * The order within each side is unspecified (lanes of up to 256 values come out fully sorted).
 */
export function argpartition(a: ArrayLike, kth: number | readonly number[] | Tensor, axis?: number | null | PartitionOptions): Tensor {
  const [x, ax, ks] = readPartitionArgs(a, kth, axis, "argpartition");
  return bind1(argpartitionPrim, x, { axis: ax, kth: ks });
}

/** `np.partition(a, kth, axis = -1)`: differentiable; the gradient follows the selecting permutation. */
export function partition(a: ArrayLike, kth: number | readonly number[] | Tensor, axis?: number | null | PartitionOptions): Tensor {
  const [x, ax, ks] = readPartitionArgs(a, kth, axis, "partition");
  if (underJit(x)) return permuteByIndex(x, bind1(argpartitionPrim, x, { axis: ax, kth: ks }), ax);
  const index = bind1(argpartitionPrim, x, { axis: ax, kth: ks }).concrete();
  return permuteAlongAxis(x, { axis: ax, index: index.contiguousData(false) as Int32Array, inverse: null });
}

export interface SearchsortedOptions {
  side?: "left" | "right";
  sorter?: ArrayLike | null;
}

const searchsortedPrim = definePrimitive<{ right: boolean; sorter: Int32Array | null }>({
  name: "searchsorted",
  impl: (args, p) => {
    const a = toTensor(args[0]);
    const v = toTensor(args[1]);
    const out = new Int32Array(v.size);
    searchSorted(Float64Array.from(a.contiguousData(false)), p.sorter, Float64Array.from(v.contiguousData(false)), p.right, out);
    return fromBuffer(out, v.shape.slice(), "int32");
  },
  nondiff: true,
});

/**
 * `np.searchsorted(a, v, side = "left", sorter = null)` (or `{side, sorter}`): where each value
 * of v would be inserted into the ascending 1-d `a` (read in `sorter`'s order when given).
 */
export function searchsorted(a: ArrayLike, v: ArrayLike, side?: "left" | "right" | SearchsortedOptions, sorter?: ArrayLike | null): Tensor {
  const o: SearchsortedOptions = isOptions(side) ? (side as SearchsortedOptions) : { side: side as "left" | "right" | undefined, sorter };
  const s = o.side ?? "left";
  if (s !== "left" && s !== "right") throw new ArgumentError(`searchsorted: side must be "left" or "right", got ${JSON.stringify(s)}`);
  const at = toTensor(toArg(a));
  if (at.ndim !== 1) throw new ShapeError(`searchsorted: a must be 1-d, got shape ${fmtShape(at.shape)}`);
  let order: Int32Array | null = null;
  if (o.sorter !== undefined && o.sorter !== null) {
    const st = toTensor(toArg(o.sorter)).concrete();
    const list = intList(st.ndim === 0 ? [st.item()] : st, "searchsorted", "sorter");
    if (st.ndim !== 1 || list.length !== at.size)
      throw new ShapeError(`searchsorted: sorter must be a 1-d permutation of a's ${at.size} positions, got shape ${fmtShape(st.shape)}`);
    for (const k of list)
      if (k < 0 || k >= at.size) throw new ShapeError(`searchsorted: sorter index ${k} is out of bounds for a of size ${at.size}`);
    order = Int32Array.from(list);
  }
  return bind(searchsortedPrim, [at, toArg(v)], { right: s === "right", sorter: order });
}
