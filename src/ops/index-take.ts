import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { normalizeAxis } from "../tensor/shape.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { toArg, toTensor } from "./args.js";
import { IndexKey } from "./index-key.js";
import { IndexUpdate, getItem } from "./indexing.js";
import { reshape } from "./shape.js";
import { nonzero } from "./index-nonzero.js";

// NumPy's index-taking functions, composed from indexing (so they differentiate like it).

export type TakeMode = "raise" | "wrap" | "clip";
export interface TakeOptions {
  axis?: number | null;
  mode?: TakeMode;
}

/** Integer indices as a concrete int32 tensor (JS numbers and nested arrays accepted). */
function intIndices(indices: ArrayLike, op: string): Tensor {
  const t = toTensor(toArg(indices)).concrete();
  if (t.dtype === "int32") return t;
  if (t.dtype === "bool") throw new DTypeError(`${op}: indices must be integers, got a bool array; use np.nonzero(mask) or x.get(mask) for masks`);
  const vals = t.contiguousData(false);
  const data = new Int32Array(vals.length);
  for (let i = 0; i < vals.length; i++) {
    if (!Number.isInteger(vals[i])) throw new DTypeError(`${op}: indices must be integers, got ${vals[i]}; cast with .astype("int32")`);
    data[i] = vals[i];
  }
  return fromBuffer(data, t.shape.slice(), "int32");
}

/** Applies take's `mode` to indices along an axis of length n ("raise" leaves them to the bounds check). */
function applyMode(idx: Tensor, n: number, mode: TakeMode, op: string): Tensor {
  if (mode === "raise") return idx;
  if (mode !== "wrap" && mode !== "clip") throw new ArgumentError(`${op}: mode must be "raise", "wrap" or "clip", got ${JSON.stringify(mode)}`);
  if (n === 0 && idx.size > 0) throw new ShapeError(`${op}: cannot do a non-empty take from an empty axis`);
  const src = idx.contiguousData(false);
  const out = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i];
    out[i] = mode === "wrap" ? ((v % n) + n) % n : Math.min(Math.max(v, 0), n - 1);
  }
  return fromBuffer(out, idx.shape.slice(), "int32");
}

function ravel(x: Tensor): Tensor {
  return x.ndim === 1 ? x : reshape(x, [-1]);
}

/**
 * `np.take(a, indices, axis?, {mode})`: elements of `a` at `indices` along `axis` (of the
 * flattened array when axis is null or omitted). Differentiable in `a`; repeats accumulate.
 */
export function take(a: ArrayLike, indices: ArrayLike, axis?: number | null | TakeOptions, options?: TakeOptions): Tensor {
  const o: TakeOptions = axis !== null && typeof axis === "object" ? axis : { ...options, axis: axis ?? options?.axis ?? null };
  let x = toTensor(toArg(a));
  let ax: number;
  if (o.axis === null || o.axis === undefined) {
    x = ravel(x);
    ax = 0;
  } else ax = normalizeAxis(o.axis, x.ndim, "take");
  const scalar = typeof indices === "number";
  const idx = applyMode(intIndices(indices, "take"), x.shape[ax], o.mode ?? "raise", "take");
  const keys: IndexKey[] = new Array<IndexKey>(ax).fill(":");
  keys.push(scalar ? idx.item() : idx);
  return getItem(x, keys, "take");
}

/**
 * The keys that pair `indices` (same number of axes as `arr`) with every other axis of `arr`:
 * ranges shaped to broadcast along their own axis. Returns the (possibly flattened) array too.
 */
function alongAxisKeys(arr: ArrayLike, indices: ArrayLike, axis: number | null, op: string): [Tensor, IndexKey[]] {
  let x = toTensor(toArg(arr));
  const idx = intIndices(indices, op);
  if (axis === null) {
    x = ravel(x);
    if (idx.ndim !== 1) throw new ShapeError(`${op}: with axis null the indices must be 1-d, got shape ${fmtShape(idx.shape)}`);
  }
  const ax = axis === null ? 0 : normalizeAxis(axis, x.ndim, op);
  if (idx.ndim !== x.ndim)
    throw new ShapeError(
      `${op}: indices and arr must have the same number of dimensions, got ${fmtShape(idx.shape)} and ${fmtShape(x.shape)}`,
    );
  const keys: IndexKey[] = [];
  for (let d = 0; d < x.ndim; d++) {
    if (d === ax) {
      keys.push(idx);
      continue;
    }
    const n = x.shape[d];
    const r = new Int32Array(n);
    for (let i = 0; i < n; i++) r[i] = i;
    const shape = new Array<number>(x.ndim).fill(1);
    shape[d] = n;
    keys.push(fromBuffer(r, shape, "int32"));
  }
  return [x, keys];
}

/** `np.takeAlongAxis(arr, indices, axis = -1)`: picks `arr` values along `axis` at `indices` (as argsort output). */
export function takeAlongAxis(arr: ArrayLike, indices: ArrayLike, axis: number | null | { axis?: number | null } = -1): Tensor {
  const ax = axis !== null && typeof axis === "object" ? (axis.axis === undefined ? -1 : axis.axis) : axis;
  const [x, keys] = alongAxisKeys(arr, indices, ax, "takeAlongAxis");
  return getItem(x, keys, "takeAlongAxis");
}

/**
 * `np.putAlongAxis(arr, indices, values, axis)`: NumPy writes in place; here a new array is
 * returned (tensors are immutable), differentiable in `arr` and `values`.
 */
export function putAlongAxis(arr: ArrayLike, indices: ArrayLike, values: ArrayLike, axis: number | null | { axis: number | null }): Tensor {
  const ax = axis !== null && typeof axis === "object" ? axis.axis : axis;
  const [x, keys] = alongAxisKeys(arr, indices, ax, "putAlongAxis");
  const out = new IndexUpdate(x, keys, "putAlongAxis").set(values);
  return ax === null ? reshape(out, toTensor(toArg(arr)).shape) : out;
}

/** `np.compress(condition, a, axis?)`: the slices of `a` along `axis` where `condition` is true. */
export function compress(condition: ArrayLike, a: ArrayLike, axis?: number | null | { axis?: number | null }): Tensor {
  const ax = axis !== null && typeof axis === "object" ? axis.axis ?? null : axis ?? null;
  const c = toTensor(toArg(condition)).concrete();
  if (c.ndim !== 1) throw new ShapeError(`compress: condition must be a 1-d array, got shape ${fmtShape(c.shape)}`);
  const x = toTensor(toArg(a));
  const n = ax === null ? x.size : x.shape[normalizeAxis(ax, x.ndim, "compress")];
  const [idx] = nonzero(c);
  if (c.size > n && idx.size > 0 && idx.toTypedArray()[idx.size - 1] >= n)
    throw new ShapeError(`compress: condition of length ${c.size} selects past the end of an axis of length ${n}`);
  return take(x, idx, ax);
}

/** `np.extract(condition, arr)`: the elements of `arr` (flattened) where `condition` (flattened) is nonzero. */
export function extract(condition: ArrayLike, arr: ArrayLike): Tensor {
  const c = ravel(toTensor(toArg(condition)).concrete());
  const [idx] = nonzero(c);
  return take(ravel(toTensor(toArg(arr))), idx);
}
