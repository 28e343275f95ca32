import { Tensor } from "../tensor/tensor.js";
import { fromNested } from "../tensor/create.js";
import { broadcastShapesN, shapeSize } from "../tensor/shape.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";

/**
 * One key of `x.get(...keys)`: an integer, a slice string (`"1:3"`, `"::-1"`), `null` (new axis),
 * `"..."`, an integer array (nested JS numbers, an Int32Array or an int32 tensor) or a mask (nested
 * booleans, a Uint8Array of 0/1, a bool tensor, or `true`/`false`).
 */
export type IndexKey = number | boolean | string | null | Tensor | NestedIndex | Int32Array | Uint8Array;
export interface NestedIndex extends ReadonlyArray<number | boolean | NestedIndex> {}

/** The basic (view) part of an index: per input axis a start and step, per output axis its source. */
export interface ViewParams {
  inShape: number[];
  start: number[];
  step: number[];
  /** Per output axis, the input axis it walks, or -1 for a new axis. */
  outAxes: number[];
  outShape: number[];
}

/** The advanced part, applied to the view's output: index arrays on some axes, broadcast to `bShape`. */
export interface GatherParams {
  inShape: number[];
  /** The indexed axes, in key order. */
  axes: number[];
  /** One normalized (non-negative) index array per axis, each broadcast to `bShape`, flattened. */
  idx: Int32Array[];
  bShape: number[];
  /** Where the broadcast index axes land in the output (0 when the advanced keys are split). */
  bPos: number;
  outShape: number[];
}

export interface IndexPlan {
  view: ViewParams | null;
  gather: GatherParams | null;
  outShape: number[];
}

type Parsed =
  | { kind: "int"; value: number }
  | { kind: "slice"; start: number | null; stop: number | null; step: number | null }
  | { kind: "newaxis" }
  | { kind: "ellipsis" }
  | { kind: "array"; data: Int32Array; shape: number[] }
  | { kind: "mask"; data: Uint8Array; shape: number[] };

const SLICE = /^\s*(-?\d+)?\s*:\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/;

function parseSlice(s: string, op: string): Parsed {
  const m = SLICE.exec(s);
  if (m === null)
    throw new ArgumentError(`${op}: invalid index string ${JSON.stringify(s)}; use a slice such as ":", "1:3", "::-1" or "2:", or "..."`);
  const step = m[3] === undefined ? null : Number(m[3]);
  if (step === 0) throw new ArgumentError(`${op}: slice step cannot be zero (in ${JSON.stringify(s)})`);
  return { kind: "slice", start: m[1] === undefined ? null : Number(m[1]), stop: m[2] === undefined ? null : Number(m[2]), step };
}

function fromTensor(t: Tensor, op: string): Parsed {
  const c = t.concrete();
  if (c.dtype === "bool") return { kind: "mask", data: c.contiguousData(false) as Uint8Array, shape: c.shape.slice() };
  // A 0-d integer array is an integer to NumPy (basic indexing: a view).
  if (c.dtype === "int32") return c.ndim === 0 ? { kind: "int", value: c.scalar } : { kind: "array", data: c.contiguousData(false) as Int32Array, shape: c.shape.slice() };
  throw new DTypeError(`${op}: arrays used as indices must be of integer (int32) or boolean type, got ${c.dtype}; convert with .astype("int32")`);
}

function parseKey(k: IndexKey, op: string): Parsed {
  if (k === null) return { kind: "newaxis" };
  if (typeof k === "number") {
    if (!Number.isInteger(k)) throw new DTypeError(`${op}: index ${k} is not an integer; only integers, slices, null, "...", integer or boolean arrays are valid indices`);
    return { kind: "int", value: k };
  }
  if (typeof k === "boolean") return { kind: "mask", data: Uint8Array.of(k ? 1 : 0), shape: [] };
  if (typeof k === "string") return k.trim() === "..." ? { kind: "ellipsis" } : parseSlice(k, op);
  if (k instanceof Tensor) return fromTensor(k, op);
  if (Array.isArray(k) || ArrayBuffer.isView(k)) {
    const t = fromNested(k, undefined, op);
    if (t.dtype === "bool") return fromTensor(t, op);
    const vals = t.contiguousData(false);
    const data = new Int32Array(vals.length);
    for (let i = 0; i < vals.length; i++) {
      if (!Number.isInteger(vals[i]))
        throw new DTypeError(`${op}: index arrays must hold integers, got ${vals[i]}; round them or cast with .astype("int32")`);
      data[i] = vals[i];
    }
    return { kind: "array", data, shape: t.shape.slice() };
  }
  throw new ArgumentError(`${op}: unsupported index ${String(k)}; use integers, slice strings, null, "...", integer or boolean arrays`);
}

/** Python's slice.indices: start, step and count of a slice over an axis of length n. */
function sliceRange(p: { start: number | null; stop: number | null; step: number | null }, n: number): [number, number, number] {
  const step = p.step ?? 1;
  const lo = step > 0 ? 0 : -1;
  const hi = step > 0 ? n : n - 1;
  const clamp = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + n, lo);
    return Math.min(v, hi);
  };
  const start = clamp(p.start, step > 0 ? lo : hi);
  const stop = clamp(p.stop, step > 0 ? hi : lo);
  const count = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  // An empty slice may start past the end; any in-range start keeps the view's offset valid.
  return [count === 0 ? 0 : start, step, count];
}

function checkIndex(v: number, axis: number, n: number, op: string): number {
  if (v < -n || v >= n) throw new ShapeError(`${op}: index ${v} is out of bounds for axis ${axis} with size ${n}`);
  return v < 0 ? v + n : v;
}

/** Nonzero positions of a mask, one index array per mask axis (odometer per row, not per element). */
function maskToArrays(m: { data: Uint8Array; shape: number[] }): Int32Array[] {
  const nd = m.shape.length;
  const data = m.data;
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) count++;
  const out = Array.from({ length: nd }, () => new Int32Array(count));
  const inner = m.shape[nd - 1];
  const lastOut = out[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let k = 0;
  for (let p = 0; p < data.length; p += inner) {
    for (let j = 0; j < inner; j++) {
      if (data[p + j] === 0) continue;
      for (let d = 0; d < nd - 1; d++) out[d][k] = idx[d];
      lastOut[k++] = j;
    }
    for (let d = nd - 2; d >= 0; d--) {
      if (++idx[d] < m.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Expands `data` of `shape` to `to` (broadcasting), flattened in C order. */
function broadcastIndex(data: Int32Array, shape: readonly number[], to: readonly number[]): Int32Array {
  const n = shapeSize(to);
  if (data.length === n && shape.length === to.length) return data;
  const out = new Int32Array(n);
  const nd = to.length;
  const lead = nd - shape.length;
  const st = new Array<number>(nd).fill(0);
  for (let i = nd - 1, s = 1; i >= lead; i--) {
    if (shape[i - lead] !== 1) st[i] = s;
    s *= shape[i - lead];
  }
  const idx = new Array<number>(nd).fill(0);
  let p = 0;
  for (let k = 0; k < n; k++) {
    out[k] = data[p];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      p += st[d];
      if (idx[d] < to[d]) break;
      p -= st[d] * to[d];
      idx[d] = 0;
    }
  }
  return out;
}

interface AdvKey {
  /** Axis of the view's output this array indexes. */
  axis: number;
  data: Int32Array;
  shape: number[];
}

/**
 * Resolves NumPy's indexing rules for `x[keys]` on an array of `shape`: a strided view for the
 * basic keys (integers, slices, new axes, ellipsis) and, when any array or mask is present, a
 * gather over that view. Integers count as advanced indices as soon as one array is present, as
 * in NumPy, which decides whether the broadcast index axes stay in place or go first.
 */
export function planIndex(shape: readonly number[], keys: readonly IndexKey[], op = "get"): IndexPlan {
  const parsed = keys.map((k) => parseKey(k, op));
  const advanced = parsed.some((p) => p.kind === "array" || p.kind === "mask");
  let consumed = 0;
  let ellipses = 0;
  for (const p of parsed) {
    if (p.kind === "ellipsis") ellipses++;
    else if (p.kind === "mask") consumed += p.shape.length;
    else if (p.kind !== "newaxis") consumed++;
  }
  if (ellipses > 1) throw new ShapeError(`${op}: an index can only have a single ellipsis ("...")`);
  if (consumed > shape.length)
    throw new ShapeError(
      `${op}: too many indices for array: array of shape ${fmtShape(shape)} is ${shape.length}-dimensional, but ${consumed} were indexed`,
    );
  const nd = shape.length;
  const start = new Array<number>(nd).fill(0);
  const step = new Array<number>(nd).fill(1);
  const outAxes: number[] = [];
  const outShape: number[] = [];
  const adv: AdvKey[] = [];
  // Whether the advanced keys form one run in the key list, and where their output axes begin.
  let advState = 0;
  let bPos = 0;
  let axis = 0;
  const keepWhole = (): void => {
    outAxes.push(axis);
    outShape.push(shape[axis]);
  };
  for (const p of parsed) {
    const isAdv = p.kind === "array" || p.kind === "mask" || (advanced && p.kind === "int");
    if (isAdv) {
      if (advState === 0) {
        advState = 1;
        bPos = outShape.length;
      } else if (advState === 2) advState = 3;
    } else if (advState === 1) advState = 2;
    switch (p.kind) {
      case "ellipsis":
        for (let k = 0; k < nd - consumed; k++, axis++) keepWhole();
        break;
      case "newaxis":
        outAxes.push(-1);
        outShape.push(1);
        break;
      case "slice": {
        const [s, st, n] = sliceRange(p, shape[axis]);
        start[axis] = s;
        step[axis] = st;
        outAxes.push(axis);
        outShape.push(n);
        axis++;
        break;
      }
      case "int":
        if (advanced) {
          adv.push({ axis: outShape.length, data: Int32Array.of(checkIndex(p.value, axis, shape[axis], op)), shape: [] });
          keepWhole();
        } else start[axis] = checkIndex(p.value, axis, shape[axis], op);
        axis++;
        break;
      case "array": {
        const n = shape[axis];
        const data = new Int32Array(p.data.length);
        for (let i = 0; i < data.length; i++) data[i] = checkIndex(p.data[i], axis, n, op);
        adv.push({ axis: outShape.length, data, shape: p.shape });
        keepWhole();
        axis++;
        break;
      }
      case "mask": {
        if (p.shape.length === 0) {
          // A 0-d mask adds an axis of length 1 (true) or 0 (false), indexed as a new axis.
          adv.push({ axis: outShape.length, data: new Int32Array(p.data[0] !== 0 ? 1 : 0), shape: [p.data[0] !== 0 ? 1 : 0] });
          outAxes.push(-1);
          outShape.push(1);
          break;
        }
        for (let d = 0; d < p.shape.length; d++)
          if (p.shape[d] !== shape[axis + d])
            throw new ShapeError(
              `${op}: boolean index did not match indexed array along axis ${axis + d}; size of axis is ${shape[axis + d]} but size of corresponding boolean axis is ${p.shape[d]}`,
            );
        const arrays = maskToArrays(p);
        for (const data of arrays) {
          adv.push({ axis: outShape.length, data, shape: [data.length] });
          keepWhole();
          axis++;
        }
        break;
      }
    }
  }
  while (axis < nd) {
    keepWhole();
    axis++;
  }
  const identity = outAxes.length === nd && outAxes.every((a, i) => a === i) && start.every((s) => s === 0) && step.every((s) => s === 1) && outShape.every((n, i) => n === shape[i]);
  const view: ViewParams | null = identity ? null : { inShape: shape.slice(), start, step, outAxes, outShape };
  if (adv.length === 0) return { view, gather: null, outShape };
  const bShape = broadcastShapesN(
    adv.map((a) => a.shape),
    `${op} (shape mismatch: indexing arrays could not be broadcast together)`,
  );
  const axes = adv.map((a) => a.axis);
  const pos = advState === 3 ? 0 : bPos;
  const rest = outShape.filter((_, i) => !axes.includes(i));
  const gatherOut = [...rest.slice(0, pos), ...bShape, ...rest.slice(pos)];
  const gather: GatherParams = {
    inShape: outShape,
    axes,
    idx: adv.map((a) => broadcastIndex(a.data, a.shape, bShape)),
    bShape,
    bPos: pos,
    outShape: gatherOut,
  };
  return { view, gather, outShape: gatherOut };
}
