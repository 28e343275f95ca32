import { Tensor, fromBuffer, scalarTensor, viewOf } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { normalizeAxis, shapeSize, shapesEqual, isContiguous } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { unbroadcast } from "./grad-util.js";

/** NumPy's memory orders for reshaping: C (row-major), F (column-major), A (F only for F-ordered data). */
export type ReshapeOrder = "C" | "F" | "A";

export interface ReshapeOptions {
  shape?: readonly number[] | number;
  order?: ReshapeOrder;
}

/**
 * Strides that view `oldShape`/`oldStrides` data as `newShape` without copying, or null when a
 * copy is needed (NumPy's no-copy reshape: merge runs of axes that are contiguous among themselves).
 */
export function reshapeStrides(oldShape: readonly number[], oldStrides: readonly number[], newShape: readonly number[]): number[] | null {
  const od: number[] = [];
  const os: number[] = [];
  for (let i = 0; i < oldShape.length; i++)
    if (oldShape[i] !== 1) {
      od.push(oldShape[i]);
      os.push(oldStrides[i]);
    }
  const nd = newShape.length;
  const ns = new Array<number>(nd).fill(0);
  let oi = 0, oj = 1, ni = 0, nj = 1;
  while (ni < nd && oi < od.length) {
    let np = newShape[ni];
    let op = od[oi];
    while (np !== op) {
      if (np < op) np *= newShape[nj++];
      else op *= od[oj++];
    }
    for (let ok = oi; ok < oj - 1; ok++) if (os[ok] !== od[ok + 1] * os[ok + 1]) return null;
    ns[nj - 1] = os[oj - 1];
    for (let nk = nj - 1; nk > ni; nk--) ns[nk - 1] = ns[nk] * newShape[nk];
    ni = nj++;
    oi = oj++;
  }
  const last = ni > 0 ? ns[ni - 1] : 1;
  for (let k = ni; k < nd; k++) ns[k] = last;
  return ns;
}

function resolveShape(size: number, shape: readonly number[], op: string, from: readonly number[]): number[] {
  const out = shape.slice();
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    if (out[i] === -1) {
      if (infer >= 0) throw new ShapeError(`${op}: can only specify one unknown dimension (-1) in ${fmtShape(shape)}`);
      infer = i;
    } else if (!Number.isInteger(out[i]) || out[i] < 0)
      throw new ShapeError(`${op}: invalid dimension ${out[i]} in ${fmtShape(shape)}; dimensions are non-negative integers, or one -1`);
    else known *= out[i];
  }
  if (infer >= 0) {
    if (known === 0 || size % known !== 0)
      throw new ShapeError(`${op}: cannot reshape array of size ${size} (shape ${fmtShape(from)}) into shape ${fmtShape(shape)}`);
    out[infer] = size / known;
  } else if (known !== size)
    throw new ShapeError(`${op}: cannot reshape array of size ${size} (shape ${fmtShape(from)}) into shape ${fmtShape(shape)}`);
  return out;
}

/** A number as a strong (non-weak) float64 0-d tensor, as NumPy's functions return for Python floats. */
function strong(a: Arg): Tensor {
  if (typeof a === "number") return scalarTensor(a, "float64");
  return a.weak && a.trace === null ? scalarTensor(a.scalar, a.dtype) : a;
}

function reshapeImpl(x: Tensor, shape: number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x.weak ? strong(x) : x;
  if (shape.length === 0) return viewOf(x, [], [], x.offset);
  if (x.shape.length === 0) return fromBuffer(x.buffer().slice(0, 1), shape, x.dtype);
  if (x.size === 0) return fromBuffer(x.buffer().slice(0, 0), shape, x.dtype);
  const st = reshapeStrides(x.shape, x.strides, shape);
  if (st !== null) return viewOf(x, shape, st, x.offset);
  return fromBuffer(x.contiguousData(true), shape, x.dtype);
}

const reshapePrim = definePrimitive<{ shape: number[] }>({
  name: "reshape",
  impl: (args, p) => reshapeImpl(toTensor(args[0]), p.shape),
  vjp: (g, _ans, args) => reshape(g, shapeOf(args[0])),
  jvp: (t, _ans, _args, p) => reshape(t, p.shape),
});

function isFortranOrdered(a: Arg): boolean {
  if (typeof a === "number" || a.ndim < 2) return false;
  return isContiguous(a.shape.slice().reverse(), a.strides.slice().reverse()) && !a.isContiguous;
}

/**
 * `np.reshape(x, shape, order = "C")`: a view when the data allow it (as NumPy), with one -1
 * inferred. `order: "F"` reads and writes in column-major index order; `"A"` does so only for
 * Fortran-ordered data.
 */
export function reshape(x: ArrayLike, shape: readonly number[] | number | ReshapeOptions, order?: ReshapeOrder | ReshapeOptions): Tensor {
  const a = toArg(x);
  let sh = shape as readonly number[] | number | undefined;
  let ord: unknown = typeof order === "object" && order !== null ? order.order : order;
  if (typeof shape === "object" && !Array.isArray(shape)) {
    const o = shape as ReshapeOptions;
    sh = o.shape;
    ord = o.order ?? ord;
  }
  if (sh === undefined) throw new ArgumentError("reshape: missing the new shape; pass reshape(x, [d0, d1, ...])");
  const from = shapeOf(a);
  const s = resolveShape(typeof a === "number" ? 1 : a.size, typeof sh === "number" ? [sh] : sh, "reshape", from);
  if (ord !== undefined && ord !== "C") {
    if (ord !== "F" && ord !== "A") throw new ArgumentError(`reshape: order must be "C", "F" or "A", got ${JSON.stringify(ord)}`);
    // Column-major reshape is the row-major one seen through reversed axes on both sides.
    if ((ord === "F" || isFortranOrdered(a)) && (from.length > 1 || s.length > 1))
      return transpose(reshape(transpose(a), s.slice().reverse()));
  }
  if (typeof a !== "number" && !a.weak && shapesEqual(a.shape, s)) return a;
  return bind1(reshapePrim, a, { shape: s });
}

/** Orders accepted by `ravel`: NumPy's reshape orders plus K (the order of the data in memory). */
export type RavelOrder = ReshapeOrder | "K";

/** `np.ravel(x, order = "C")`: the elements as a 1-d tensor (a view when the data allow it). */
export function ravel(x: ArrayLike, order: RavelOrder | { order?: RavelOrder } = "C"): Tensor {
  const ord = typeof order === "object" && order !== null ? order.order ?? "C" : order;
  const a = toArg(x);
  if (ord === "K") {
    if (typeof a === "number" || a.ndim < 2) return reshape(a, [-1]);
    // Memory order: axes by decreasing stride magnitude (ties keep index order), then row-major.
    const perm = a.shape.map((_, i) => i).sort((i, j) => Math.abs(a.strides[j]) - Math.abs(a.strides[i]) || i - j);
    return reshape(transpose(a, perm), [-1]);
  }
  if (ord !== "C" && ord !== "F" && ord !== "A")
    throw new ArgumentError(`ravel: order must be "C", "F", "A" or "K", got ${JSON.stringify(ord)}`);
  return reshape(a, [-1], ord);
}

function readShape(shape: readonly number[] | number, op: string): number[] {
  const s = typeof shape === "number" ? [shape] : Array.from(shape);
  for (const d of s)
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${op}: invalid shape ${fmtShape(s)}; dimensions must be non-negative integers`);
  return s;
}

const broadcastToPrim = definePrimitive<{ shape: number[] }>({
  name: "broadcast_to",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const lead = p.shape.length - x.ndim;
    const st = p.shape.map((_, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.strides[i - lead]));
    return viewOf(x, p.shape.slice(), st, x.offset);
  },
  vjp: (g, _ans, args) => unbroadcast(g, args[0]),
  jvp: (t, _ans, _args, p) => broadcastTo(t, p.shape),
});

/** `np.broadcastTo(x, shape)`: a read-only view with stride 0 on broadcast axes. */
export function broadcastTo(x: ArrayLike, shape: readonly number[] | number | { shape: readonly number[] | number }): Tensor {
  const a = toArg(x);
  const raw = typeof shape === "object" && !Array.isArray(shape) ? (shape as { shape: readonly number[] | number }).shape : (shape as readonly number[] | number);
  const s = readShape(raw, "broadcastTo");
  const from = shapeOf(a);
  const lead = s.length - from.length;
  if (lead < 0 || from.some((d, i) => d !== 1 && d !== s[i + lead]))
    throw new ShapeError(
      `broadcastTo: cannot broadcast an array of shape ${fmtShape(from)} to shape ${fmtShape(s)}` +
        (lead < 0 ? " (the target has fewer dimensions)" : " (each axis must be 1 or match, aligned from the right)"),
    );
  if (typeof a !== "number" && !a.weak && shapesEqual(a.shape, s)) return a;
  return bind1(broadcastToPrim, a, { shape: s });
}

const transposePrim = definePrimitive<{ axes: number[] }>({
  name: "transpose",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    return viewOf(x, p.axes.map((a) => x.shape[a]), p.axes.map((a) => x.strides[a]), x.offset);
  },
  vjp: (g, _ans, _args, p) => transpose(g, invertPermutation(p.axes)),
  jvp: (t, _ans, _args, p) => transpose(t, p.axes),
});

export function invertPermutation(axes: readonly number[]): number[] {
  const inv = new Array<number>(axes.length);
  axes.forEach((a, i) => (inv[a] = i));
  return inv;
}

/** Binds a transpose by an already validated permutation (identity returns the input). */
function permute(a: Arg, perm: number[]): Tensor {
  if (perm.every((v, i) => v === i)) return strong(a);
  return bind1(transposePrim, a, { axes: perm });
}

/** `np.transpose(x, axes?)`: a view; without axes, reverses them. */
export function transpose(x: ArrayLike, axes?: readonly number[] | null | { axes?: readonly number[] | null }): Tensor {
  const a = toArg(x);
  const nd = shapeOf(a).length;
  const ax = axes !== null && axes !== undefined && !Array.isArray(axes) ? (axes as { axes?: readonly number[] | null }).axes : (axes as readonly number[] | null | undefined);
  let perm: number[];
  if (ax === null || ax === undefined) perm = Array.from({ length: nd }, (_, i) => nd - 1 - i);
  else {
    if (ax.length !== nd) throw new ShapeError(`transpose: axes ${JSON.stringify(ax)} don't match an array of dimension ${nd}; give one entry per axis`);
    perm = ax.map((v) => normalizeAxis(v, nd, "transpose"));
    if (new Set(perm).size !== nd) throw new ShapeError(`transpose: repeated axis in ${JSON.stringify(ax)}`);
  }
  return permute(a, perm);
}

/** `np.swapaxes(x, axis1, axis2)` (or `(x, {axis1, axis2})`): a view with the two axes exchanged. */
export function swapaxes(x: ArrayLike, axis1: number | { axis1: number; axis2: number }, axis2?: number): Tensor {
  const a = toArg(x);
  const nd = shapeOf(a).length;
  const [a1, a2] = typeof axis1 === "object" ? [axis1.axis1, axis1.axis2] : [axis1, axis2];
  if (a1 === undefined || a2 === undefined) throw new ArgumentError("swapaxes: pass both axes, swapaxes(x, axis1, axis2)");
  const i = normalizeAxis(a1, nd, "swapaxes");
  const j = normalizeAxis(a2, nd, "swapaxes");
  const perm = Array.from({ length: nd }, (_, k) => k);
  perm[i] = j;
  perm[j] = i;
  return permute(a, perm);
}

function axisList(v: number | readonly number[], nd: number, op: string, what: string): number[] {
  const list = typeof v === "number" ? [v] : Array.from(v);
  const out = list.map((k) => normalizeAxis(k, nd, op));
  if (new Set(out).size !== out.length) throw new ShapeError(`${op}: repeated axis in \`${what}\` argument ${JSON.stringify(list)}`);
  return out;
}

type AxisArg = number | readonly number[];

/** `np.moveaxis(x, source, destination)` (or `(x, {source, destination})`): a view with axes moved; the other axes keep their order. */
export function moveaxis(x: ArrayLike, source: AxisArg | { source: AxisArg; destination: AxisArg }, destination?: AxisArg): Tensor {
  const a = toArg(x);
  const nd = shapeOf(a).length;
  const [s0, d0] = typeof source === "object" && !Array.isArray(source) ? [(source as { source: AxisArg }).source, (source as { destination: AxisArg }).destination] : [source as AxisArg, destination];
  if (s0 === undefined || d0 === undefined) throw new ArgumentError("moveaxis: pass source and destination, moveaxis(x, source, destination)");
  const src = axisList(s0, nd, "moveaxis", "source");
  const dst = axisList(d0, nd, "moveaxis", "destination");
  if (src.length !== dst.length)
    throw new ShapeError(`moveaxis: \`source\` and \`destination\` must have the same number of elements, got ${src.length} and ${dst.length}`);
  const rest = Array.from({ length: nd }, (_, k) => k).filter((k) => !src.includes(k));
  const perm = new Array<number>(nd).fill(-1);
  src.forEach((s, k) => (perm[dst[k]] = s));
  let r = 0;
  for (let k = 0; k < nd; k++) if (perm[k] < 0) perm[k] = rest[r++];
  return permute(a, perm);
}

/** `np.rollaxis(x, axis, start = 0)` (or `{axis, start}` options): moves `axis` to sit before position `start` (a view). */
export function rollaxis(x: ArrayLike, axis: number | { axis: number; start?: number }, start: number | { start?: number } = 0): Tensor {
  const a = toArg(x);
  const nd = shapeOf(a).length;
  const o = typeof axis === "object" ? axis : typeof start === "object" ? { axis, ...start } : { axis, start };
  const ax = normalizeAxis(o.axis, nd, "rollaxis");
  let st = o.start ?? 0;
  if (!Number.isInteger(st) || st < -nd || st > nd)
    throw new ShapeError(`rollaxis: start ${st} is out of range for an array of dimension ${nd}; use -${nd} <= start <= ${nd}`);
  if (st < 0) st += nd;
  if (ax < st) st--;
  const perm = Array.from({ length: nd }, (_, k) => k).filter((k) => k !== ax);
  perm.splice(st, 0, ax);
  return permute(a, perm);
}

/** `np.expandDims(x, axis)`: inserts size-1 axes at the positions `axis` names in the result (a view). */
export function expandDims(x: ArrayLike, axis: AxisArg | { axis: AxisArg }): Tensor {
  const a = toArg(x);
  const axRaw = typeof axis === "object" && !Array.isArray(axis) ? (axis as { axis: AxisArg }).axis : (axis as AxisArg);
  if (axRaw === undefined || axRaw === null) throw new ArgumentError("expandDims: missing axis; pass an integer or a list of integers");
  const shape = shapeOf(a);
  const nd = shape.length + (typeof axRaw === "number" ? 1 : axRaw.length);
  const norm = axisList(axRaw, nd, "expandDims", "axis");
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < nd; i++) out.push(norm.includes(i) ? 1 : shape[k++]);
  return reshape(a, out);
}

/** `np.squeeze(x, axis?)`: removes size-1 axes (all, or the ones named, which must have size 1); a view. */
export function squeeze(x: ArrayLike, axis?: AxisArg | null | { axis?: AxisArg | null }): Tensor {
  const a = toArg(x);
  const shape = shapeOf(a);
  const axRaw = axis !== null && typeof axis === "object" && !Array.isArray(axis) ? (axis as { axis?: AxisArg | null }).axis : (axis as AxisArg | null | undefined);
  let drop: number[];
  if (axRaw === null || axRaw === undefined) drop = shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  else {
    drop = axisList(axRaw, shape.length, "squeeze", "axis");
    for (const d of drop)
      if (shape[d] !== 1)
        throw new ShapeError(`squeeze: cannot squeeze axis ${d} of shape ${fmtShape(shape)}: it has size ${shape[d]}, not 1`);
  }
  return reshape(a, shape.filter((_, i) => !drop.includes(i)));
}

export function sizeOf(a: Arg): number {
  return typeof a === "number" ? 1 : shapeSize(a.shape);
}
