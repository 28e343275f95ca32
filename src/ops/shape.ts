import { Tensor, fromBuffer, viewOf } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { normalizeAxis, shapeSize, shapesEqual, broadcastShapes } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { unbroadcast } from "./grad-util.js";

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
      throw new ShapeError(`${op}: invalid dimension ${out[i]} in ${fmtShape(shape)}`);
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

function reshapeImpl(x: Tensor, shape: number[]): Tensor {
  if (shapesEqual(x.shape, shape)) return x;
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

/** `np.reshape(x, shape)`: a view when the data allow it (as NumPy), with one -1 inferred. */
export function reshape(x: ArrayLike, shape: readonly number[] | number): Tensor {
  const a = toArg(x);
  const s = resolveShape(typeof a === "number" ? 1 : a.size, typeof shape === "number" ? [shape] : shape, "reshape", shapeOf(a));
  if (typeof a !== "number" && shapesEqual(a.shape, s)) return a;
  return bind1(reshapePrim, a, { shape: s });
}

const broadcastToPrim = definePrimitive<{ shape: number[] }>({
  name: "broadcast_to",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const out = broadcastShapes(x.shape, p.shape, "broadcastTo");
    if (!shapesEqual(out, p.shape))
      throw new ShapeError(`broadcastTo: cannot broadcast shape ${fmtShape(x.shape)} to ${fmtShape(p.shape)}`);
    const lead = p.shape.length - x.ndim;
    const st = p.shape.map((_, i) => (i < lead || x.shape[i - lead] === 1 ? 0 : x.strides[i - lead]));
    return viewOf(x, p.shape.slice(), st, x.offset);
  },
  vjp: (g, _ans, args) => unbroadcast(g, args[0]),
  jvp: (t, _ans, _args, p) => broadcastTo(t, p.shape),
});

/** `np.broadcastTo(x, shape)`: a read-only view with stride 0 on broadcast axes. */
export function broadcastTo(x: ArrayLike, shape: readonly number[]): Tensor {
  const a = toArg(x);
  if (typeof a !== "number" && shapesEqual(a.shape, shape)) return a;
  return bind1(broadcastToPrim, a, { shape: shape.slice() });
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

/** `np.transpose(x, axes?)`: a view; without axes, reverses them. */
export function transpose(x: ArrayLike, axes?: readonly number[] | null | { axes?: readonly number[] | null }): Tensor {
  const a = toArg(x);
  const nd = shapeOf(a).length;
  let ax = axes !== null && axes !== undefined && !Array.isArray(axes) ? (axes as { axes?: readonly number[] | null }).axes : (axes as readonly number[] | null | undefined);
  let perm: number[];
  if (ax === null || ax === undefined) perm = Array.from({ length: nd }, (_, i) => nd - 1 - i);
  else {
    if (ax.length !== nd) throw new ShapeError(`transpose: axes ${JSON.stringify(ax)} don't match an array of dimension ${nd}`);
    perm = ax.map((v) => normalizeAxis(v, nd, "transpose"));
    if (new Set(perm).size !== nd) throw new ShapeError(`transpose: repeated axis in ${JSON.stringify(ax)}`);
  }
  if (perm.every((v, i) => v === i)) return toTensor(a);
  return bind1(transposePrim, a, { axes: perm });
}

/** `np.expandDims(x, axis)`: inserts size-1 axes (a view). */
export function expandDims(x: ArrayLike, axis: number | readonly number[] | { axis: number | readonly number[] }): Tensor {
  const a = toArg(x);
  const axRaw = typeof axis === "object" && !Array.isArray(axis) ? (axis as { axis: number | readonly number[] }).axis : axis;
  const axes = typeof axRaw === "number" ? [axRaw] : Array.from(axRaw as readonly number[]);
  const shape = shapeOf(a);
  const nd = shape.length + axes.length;
  const norm = axes.map((v) => normalizeAxis(v, nd, "expandDims"));
  if (new Set(norm).size !== norm.length) throw new ShapeError(`expandDims: repeated axis in ${JSON.stringify(axes)}`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < nd; i++) out.push(norm.includes(i) ? 1 : shape[k++]);
  return reshape(a, out);
}

/** `np.squeeze(x, axis?)`: removes size-1 axes (all, or the ones named, which must have size 1). */
export function squeeze(x: ArrayLike, axis?: number | readonly number[] | null | { axis?: number | readonly number[] | null }): Tensor {
  const a = toArg(x);
  const shape = shapeOf(a);
  const axRaw = axis !== null && typeof axis === "object" && !Array.isArray(axis) ? (axis as { axis?: number | readonly number[] | null }).axis : axis;
  let drop: number[];
  if (axRaw === null || axRaw === undefined) drop = shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0);
  else {
    drop = (typeof axRaw === "number" ? [axRaw] : Array.from(axRaw as readonly number[])).map((v) => normalizeAxis(v, shape.length, "squeeze"));
    for (const d of drop)
      if (shape[d] !== 1)
        throw new ShapeError(`squeeze: cannot select an axis to squeeze out which has size not equal to one (axis ${d} of shape ${fmtShape(shape)})`);
  }
  return reshape(a, shape.filter((_, i) => !drop.includes(i)));
}

export function sizeOf(a: Arg): number {
  return typeof a === "number" ? 1 : shapeSize(a.shape);
}

