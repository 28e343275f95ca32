import { Tensor, copyStridedInto, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { allocArray } from "../tensor/dtype.js";
import { normalizeAxes, normalizeAxis } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Primitive, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { toArg, toTensor } from "./args.js";
import { broadcastTo, reshape, transpose } from "./shape.js";
import { gatherAxis } from "./take-axis.js";
import { intList, isOptions } from "./construct-opts.js";

// Linear rearrangements: flips, rotations, rolls, repeats and tiles. Each is either its own
// primitive (flip) or a gather/broadcast whose adjoint is already defined.

type AxisArg = number | readonly number[] | null;

const flipPrim: Primitive<{ axes: number[] }> = definePrimitive<{ axes: number[] }>({
  name: "flip",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    // One strided copy reads every flipped axis backwards: start at its last element, negate its stride.
    const strides = x.strides.slice();
    let offset = x.offset;
    for (const a of p.axes) {
      if (x.shape[a] > 0) offset += (x.shape[a] - 1) * strides[a];
      strides[a] = -strides[a];
    }
    const dst = allocArray(x.dtype, x.size);
    if (x.size > 0) copyStridedInto(x.buffer(), offset, x.shape, strides, dst);
    return fromBuffer(dst, x.shape.slice(), x.dtype);
  },
  vjp: (g, _ans, _args, p) => bind1(flipPrim, g, p),
  jvp: (t, _ans, _args, p) => bind1(flipPrim, t, p),
});

/** `np.flip(m, axis = null)` (or `{axis}`): reverses the order of elements along the given axes (all by default). */
export function flip(m: ArrayLike, axis?: AxisArg | { axis?: AxisArg }): Tensor {
  const ax = isOptions(axis) ? (axis as { axis?: AxisArg }).axis : (axis as AxisArg | undefined);
  const x = toTensor(toArg(m));
  const axes = normalizeAxes(ax ?? null, x.ndim, "flip").filter((a) => x.shape[a] > 1);
  if (axes.length === 0) return x;
  return bind1(flipPrim, x, { axes });
}

/** `np.flipud(m)`: flips axis 0 (m must be at least 1-d). */
export function flipud(m: ArrayLike): Tensor {
  const x = toTensor(toArg(m));
  if (x.ndim < 1) throw new ShapeError("flipud: the input must be at least 1-d, got a 0-d array");
  return flip(x, 0);
}

/** `np.fliplr(m)`: flips axis 1 (m must be at least 2-d). */
export function fliplr(m: ArrayLike): Tensor {
  const x = toTensor(toArg(m));
  if (x.ndim < 2) throw new ShapeError(`fliplr: the input must be at least 2-d, got shape ${fmtShape(x.shape)}`);
  return flip(x, 1);
}

export interface Rot90Options {
  k?: number;
  axes?: readonly [number, number] | readonly number[];
}

/**
 * `np.rot90(m, k = 1, axes = [0, 1])` (or `{k, axes}`): rotates by 90 degrees k times, from the
 * first axis towards the second.
 */
export function rot90(m: ArrayLike, k?: number | Rot90Options, axes?: readonly number[]): Tensor {
  const o: Rot90Options = isOptions(k) ? (k as Rot90Options) : { k: k as number | undefined, axes };
  const turns = o.k ?? 1;
  if (!Number.isInteger(turns)) throw new ArgumentError(`rot90: k must be an integer, got ${turns}`);
  const x = toTensor(toArg(m));
  const ax = o.axes ?? [0, 1];
  if (ax.length !== 2) throw new ArgumentError(`rot90: axes must name exactly 2 axes, got ${JSON.stringify(ax)}`);
  if (x.ndim < 2) throw new ShapeError(`rot90: the array must be at least 2-d, got shape ${fmtShape(x.shape)}`);
  const a0 = normalizeAxis(ax[0], x.ndim, "rot90");
  const a1 = normalizeAxis(ax[1], x.ndim, "rot90");
  if (a0 === a1) throw new ArgumentError(`rot90: axes must be different, got ${JSON.stringify(ax)}`);
  const r = ((turns % 4) + 4) % 4;
  if (r === 0) return x;
  if (r === 2) return flip(x, [a0, a1]);
  const perm = Array.from({ length: x.ndim }, (_, i) => (i === a0 ? a1 : i === a1 ? a0 : i));
  return r === 1 ? transpose(flip(x, a1), perm) : flip(transpose(x, perm), a1);
}

/**
 * `np.roll(a, shift, axis = null)` (or `{axis}`): shifts elements along axes, wrapping around;
 * with axis null the flattened array is rolled and the shape restored. Shifts and axes
 * broadcast against each other, and shifts of a repeated axis add up.
 */
export function roll(a: ArrayLike, shift: number | readonly number[], axis?: AxisArg | { axis?: AxisArg }): Tensor {
  const ax = isOptions(axis) ? (axis as { axis?: AxisArg }).axis : (axis as AxisArg | undefined);
  const x = toTensor(toArg(a));
  const shifts = intList(shift, "roll", "shift");
  if (ax === null || ax === undefined) {
    // The flattened array has one axis: every shift applies to it.
    return reshape(rollAxis(reshape(x, [-1]), 0, shifts.reduce((p, q) => p + q, 0)), x.shape);
  }
  const axes = intList(ax, "roll", "axis").map((v) => normalizeAxis(v, x.ndim, "roll"));
  if (axes.length === 0 || shifts.length === 0) return x;
  if (shifts.length !== axes.length && shifts.length !== 1 && axes.length !== 1)
    throw new ArgumentError(`roll: shift (${shifts.length} values) and axis (${axes.length} values) must broadcast together`);
  const total = new Array<number>(x.ndim).fill(0);
  const count = Math.max(shifts.length, axes.length);
  for (let i = 0; i < count; i++) total[axes[axes.length === 1 ? 0 : i]] += shifts[shifts.length === 1 ? 0 : i];
  let r = x;
  for (let d = 0; d < x.ndim; d++) if (total[d] !== 0) r = rollAxis(r, d, total[d]);
  return r;
}

function rollAxis(x: Tensor, axis: number, shift: number): Tensor {
  const n = x.shape[axis];
  if (n === 0) return x;
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const index = new Int32Array(n);
  for (let j = 0; j < n; j++) index[j] = j < s ? j - s + n : j - s;
  return gatherAxis(x, { axis, index, n });
}

/**
 * `np.repeat(a, repeats, axis = null)` (or `{axis}`): repeats each element `repeats` times
 * (an integer, or one count per element along the axis); axis null repeats the flattened array.
 */
export function repeat(a: ArrayLike, repeats: number | readonly number[] | Tensor, axis?: number | null | { axis?: number | null }): Tensor {
  const ax = isOptions(axis) ? (axis as { axis?: number | null }).axis : (axis as number | null | undefined);
  let x = toTensor(toArg(a));
  let d: number;
  if (ax === null || ax === undefined) {
    x = reshape(x, [-1]);
    d = 0;
  } else d = normalizeAxis(ax, x.ndim, "repeat");
  const counts = intList(repeats, "repeat", "repeats");
  for (const c of counts) if (c < 0) throw new ArgumentError(`repeat: repeats may not contain negative values, got ${c}`);
  const n = x.shape[d];
  if (counts.length === 1) {
    const r = counts[0];
    if (r === 1) return x;
    // Uniform repeats: a broadcast along a new axis after `d`, merged into it (the gradient sums it back).
    const s = x.shape;
    const grown = s.slice(0, d + 1).concat([1], s.slice(d + 1));
    const wide = s.slice(0, d + 1).concat([r], s.slice(d + 1));
    const out = s.slice();
    out[d] = n * r;
    return reshape(broadcastTo(reshape(x, grown), wide), out);
  }
  if (counts.length !== n)
    throw new ShapeError(`repeat: ${counts.length} repeat counts don't match axis ${d} of size ${n} (shape ${fmtShape(x.shape)}); give one count per element or a single count`);
  let m = 0;
  for (const c of counts) m += c;
  const index = new Int32Array(m);
  for (let j = 0, k = 0; j < n; j++) for (let c = 0; c < counts[j]; c++) index[k++] = j;
  return gatherAxis(x, { axis: d, index, n });
}

/**
 * `np.tile(A, reps)`: A repeated reps[i] times along each axis; reps shorter than A's rank is
 * padded with leading 1s, and A gets leading axes when reps is longer.
 */
export function tile(A: ArrayLike, reps: number | readonly number[] | Tensor): Tensor {
  const x = toTensor(toArg(A));
  const r = intList(reps, "tile", "reps");
  for (const v of r) if (v < 0) throw new ArgumentError(`tile: reps must be non-negative, got ${JSON.stringify(r)}`);
  const nd = Math.max(x.ndim, r.length);
  const shape = new Array<number>(nd - x.ndim).fill(1).concat(x.shape);
  const full = new Array<number>(nd - r.length).fill(1).concat(r);
  if (full.every((v) => v === 1)) return nd === x.ndim ? x : reshape(x, shape);
  // Interleave: (1, s0, 1, s1, ...) broadcast to (r0, s0, r1, s1, ...), merged pairwise.
  const grown: number[] = [];
  const wide: number[] = [];
  for (let i = 0; i < nd; i++) {
    grown.push(1, shape[i]);
    wide.push(full[i], shape[i]);
  }
  return reshape(broadcastTo(reshape(x, grown), wide), shape.map((s, i) => s * full[i]));
}
