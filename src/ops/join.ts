import { Tensor, fromBuffer, viewOf } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { allocArray } from "../tensor/dtype.js";
import { normalizeAxis, shapeSize, contiguousStrides } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind, bind1 } from "../core/trace.js";
import { resultDtypeN, shapeOf, toArg, toTensor } from "./args.js";
import { astype } from "./cast.js";
import { zeros } from "./fill.js";
import { expandDims, reshape } from "./shape.js";

function concatImpl(args: Arg[], axis: number): Tensor {
  const ts = args.map(toTensor);
  const dt = resultDtypeN(args.map((a) => (typeof a === "number" ? toTensor(a) : a)));
  const first = ts[0].shape;
  const out = first.slice();
  let total = 0;
  for (const t of ts) {
    if (t.ndim !== first.length || t.shape.some((d, i) => i !== axis && d !== first[i]))
      throw new ShapeError(
        `concatenate: all input array dimensions except the concatenation axis (${axis}) must match; got ${ts.map((x) => fmtShape(x.shape)).join(", ")}`,
      );
    total += t.shape[axis];
  }
  out[axis] = total;
  const buf = allocArray(dt, shapeSize(out));
  const outStrides = contiguousStrides(out);
  let start = 0;
  for (const t0 of ts) {
    const t = t0.dtype === dt ? t0 : astype(t0, dt);
    if (t.size > 0) {
      // Copy into the output region of this piece: a strided view of `buf`.
      const region = buf.subarray(start * outStrides[axis]);
      const tmp = t.contiguousData(false);
      scatterInto(tmp, t.shape, region, outStrides);
    }
    start += t0.shape[axis];
  }
  return fromBuffer(buf, out, dt);
}

/** Writes contiguous `src` (of `shape`) into `dst` laid out with `dstStrides`. */
function scatterInto(src: Seq<number>, shape: readonly number[], dst: { [i: number]: number }, dstStrides: readonly number[]): void {
  const nd = shape.length;
  const n = shapeSize(shape);
  const idx = new Array<number>(nd).fill(0);
  let p = 0;
  for (let k = 0; k < n; k++) {
    dst[p] = src[k];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      p += dstStrides[d];
      if (idx[d] < shape[d]) break;
      p -= dstStrides[d] * shape[d];
      idx[d] = 0;
    }
  }
}
type Seq<T> = { readonly length: number; readonly [i: number]: T };

const concatenatePrim = definePrimitive<{ axis: number }>({
  name: "concatenate",
  impl: (args, p) => concatImpl(args, p.axis),
  vjp: (g, _ans, args, p, i) => {
    let start = 0;
    for (let k = 0; k < i; k++) start += shapeOf(args[k])[p.axis];
    const piece = sliceAxis(g, p.axis, start, start + shapeOf(args[i])[p.axis]);
    const like = args[i];
    return typeof like !== "number" && piece.dtype !== like.dtype ? astype(piece, like.dtype) : piece;
  },
  jvpJoint: (tangents, ans, args, p) =>
    concatenate(
      tangents.map((t, i) => t ?? zeros(shapeOf(args[i]), ans.dtype)),
      p.axis,
    ),
});

/** `np.concatenate(arrays, axis = 0)` (axis also as `{axis}`; `null` flattens first). */
export function concatenate(arrays: readonly ArrayLike[], axis: number | null | { axis?: number | null } = 0): Tensor {
  const ax = axis !== null && typeof axis === "object" ? axis.axis ?? 0 : axis;
  if (arrays.length === 0) throw new ShapeError("concatenate: need at least one array to concatenate");
  let args = arrays.map((a) => toArg(a));
  if (ax === null) args = args.map((a) => toTensor(a)).map((t) => reshape(t, [-1]));
  const nd = shapeOf(args[0]).length;
  if (nd === 0) throw new ShapeError("concatenate: zero-dimensional arrays cannot be concatenated");
  return bind(concatenatePrim, args, { axis: normalizeAxis(ax ?? 0, nd, "concatenate") });
}

/** `np.stack(arrays, axis = 0)`: joins along a new axis. */
export function stack(arrays: readonly ArrayLike[], axis: number | { axis?: number } = 0): Tensor {
  const ax = typeof axis === "object" ? axis.axis ?? 0 : axis;
  if (arrays.length === 0) throw new ShapeError("stack: need at least one array to stack");
  const args = arrays.map((a) => toArg(a));
  const s0 = shapeOf(args[0]);
  for (const a of args)
    if (shapeOf(a).length !== s0.length || shapeOf(a).some((d, i) => d !== s0[i]))
      throw new ShapeError(`stack: all input arrays must have the same shape; got ${args.map((a) => fmtShape(shapeOf(a))).join(", ")}`);
  const a2 = normalizeAxis(ax, s0.length + 1, "stack");
  return concatenate(args.map((a) => expandDims(a, a2)), a2);
}

const sliceAxisPrim = definePrimitive<{ axis: number; start: number; stop: number }>({
  name: "slice_axis",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const shape = x.shape.slice();
    shape[p.axis] = p.stop - p.start;
    return viewOf(x, shape, x.strides.slice(), x.offset + p.start * x.strides[p.axis]);
  },
  vjp: (g, _ans, args, p) => {
    const shape = shapeOf(args[0]);
    const parts: Tensor[] = [];
    const before = shape.slice();
    before[p.axis] = p.start;
    const after = shape.slice();
    after[p.axis] = shape[p.axis] - p.stop;
    if (p.start > 0) parts.push(zeros(before, g.dtype));
    parts.push(g);
    if (after[p.axis] > 0) parts.push(zeros(after, g.dtype));
    return parts.length === 1 ? g : concatenate(parts, p.axis);
  },
  jvp: (t, _ans, _args, p) => sliceAxis(t, p.axis, p.start, p.stop),
});

/** `x` restricted to `start <= i < stop` along `axis` (a view). Internal building block. */
export function sliceAxis(x: ArrayLike, axis: number, start: number, stop: number): Tensor {
  const a = toArg(x);
  const shape = shapeOf(a);
  const ax = normalizeAxis(axis, shape.length, "slice");
  if (start < 0 || stop > shape[ax] || start > stop)
    throw new ShapeError(`slice: range ${start}:${stop} out of bounds for axis ${ax} of size ${shape[ax]}`);
  if (start === 0 && stop === shape[ax]) return toTensor(a);
  return bind1(sliceAxisPrim, a, { axis: ax, start, stop });
}

