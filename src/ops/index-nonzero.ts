import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ShapeError } from "../errors.js";
import { toArg, toTensor } from "./args.js";

// Where an array is nonzero, as int32 indices. Piecewise constant, so they read the concrete
// value under any transform and carry no gradient.

function values(x: ArrayLike): Tensor {
  return toTensor(toArg(x)).concrete();
}

function countNonzero(v: { readonly length: number; readonly [i: number]: number }): number {
  let c = 0;
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) c++;
  return c;
}

/** Row-major coordinates of the nonzero elements: an (n, ndim) int32 buffer, flat. */
function coordinates(t: Tensor): [Int32Array, number] {
  const v = t.contiguousData(false);
  const nd = t.ndim;
  const n = countNonzero(v);
  const out = new Int32Array(n * nd);
  const idx = new Array<number>(nd).fill(0);
  let k = 0;
  for (let i = 0; i < v.length; i++) {
    if (v[i] !== 0) for (let d = 0; d < nd; d++) out[k++] = idx[d];
    for (let d = nd - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return [out, n];
}

/** `np.nonzero(x)`: one int32 index array per axis, listing the nonzero elements in C order. */
export function nonzero(x: ArrayLike): Tensor[] {
  const t = values(x);
  if (t.ndim === 0)
    throw new ShapeError("nonzero: calling nonzero on a 0-d array is not allowed; use np.atleast1d(x) first, or x.reshape(1)");
  const [flat, n] = coordinates(t);
  const nd = t.ndim;
  const out: Tensor[] = [];
  for (let d = 0; d < nd; d++) {
    const a = new Int32Array(n);
    for (let i = 0; i < n; i++) a[i] = flat[i * nd + d];
    out.push(fromBuffer(a, [n], "int32"));
  }
  return out;
}

/** `np.argwhere(x)`: the coordinates of the nonzero elements, shape (n, x.ndim), int32. */
export function argwhere(x: ArrayLike): Tensor {
  const t = values(x);
  if (t.ndim === 0) {
    const n = t.scalar !== 0 ? 1 : 0;
    return fromBuffer(new Int32Array(0), [n, 0], "int32");
  }
  const [flat, n] = coordinates(t);
  return fromBuffer(flat, [n, t.ndim], "int32");
}

/** `np.flatnonzero(x)`: positions of the nonzero elements in the flattened array, int32. */
export function flatnonzero(x: ArrayLike): Tensor {
  const v = values(x).contiguousData(false);
  const out = new Int32Array(countNonzero(v));
  for (let i = 0, k = 0; i < v.length; i++) if (v[i] !== 0) out[k++] = i;
  return fromBuffer(out, [out.length], "int32");
}

