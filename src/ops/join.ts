import { Tensor, fromBuffer, viewOf } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray, isDType } from "../tensor/dtype.js";
import { normalizeAxis, shapeSize } from "../tensor/shape.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind, bind1 } from "../core/trace.js";
import { dtypeOf, resultDtypeN, shapeOf, toArg, toTensor } from "./args.js";
import { astype } from "./cast.js";
import { zeros } from "./fill.js";
import { expandDims, reshape } from "./shape.js";

/** A sequence of arrays to join: a JS array, or a tensor read along its first axis (as NumPy iterates it). */
export type ArraySequence = readonly ArrayLike[] | Tensor;

export interface JoinOptions {
  /** The axis to join along; `null` (concatenate only) flattens every array first. */
  axis?: number | null;
  /** The result's dtype; the inputs are cast to it (NumPy's default "same_kind" casting). */
  dtype?: DType;
}

/** Copies each piece's row-major blocks into its slot of the output: one `set` per block, no per-element index math. */
function concatImpl(args: Arg[], axis: number): Tensor {
  const ts = args.map(toTensor);
  const dt = resultDtypeN(ts);
  const out = ts[0].shape.slice();
  let total = 0;
  for (const t of ts) total += t.shape[axis];
  out[axis] = total;
  const buf = allocArray(dt, shapeSize(out));
  const rest = shapeSize(out.slice(axis + 1));
  const outer = shapeSize(out.slice(0, axis));
  const outRow = total * rest;
  let start = 0;
  for (const t of ts) {
    const chunk = t.shape[axis] * rest;
    if (chunk > 0 && outer > 0) {
      // Typed-array `set` converts between element types, which covers every widening cast here.
      const src = t.contiguousData(false);
      if (outer === 1) buf.set(src, start * rest);
      else if (chunk >= 32)
        for (let o = 0, s = 0, d = start * rest; o < outer; o++, s += chunk, d += outRow) buf.set(src.subarray(s, s + chunk), d);
      else
        for (let o = 0, s = 0, d = start * rest; o < outer; o++, d += outRow)
          for (let i = 0; i < chunk; i++) buf[d + i] = src[s++];
    }
    start += t.shape[axis];
  }
  return fromBuffer(buf, out, dt);
}

const concatenatePrim = definePrimitive<{ axis: number }>({
  name: "concatenate",
  impl: (args, p) => concatImpl(args, p.axis),
  vjp: (g, _ans, args, p, i) => {
    let start = 0;
    for (let k = 0; k < i; k++) start += shapeOf(args[k])[p.axis];
    const piece = sliceAxis(g, p.axis, start, start + shapeOf(args[i])[p.axis]);
    const dt = dtypeOf(args[i]);
    return piece.dtype !== dt ? astype(piece, dt) : piece;
  },
  jvpJoint: (tangents, ans, args, p) =>
    concatChecked(
      tangents.map((t, i) => t ?? zeros(shapeOf(args[i]), ans.dtype)),
      p.axis,
    ),
});

const KIND: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** Reads the `arrays` argument of the joining functions as a non-empty list. */
export function readSequence(arrays: ArraySequence, op: string): Arg[] {
  if (arrays instanceof Tensor) {
    if (arrays.ndim === 0) throw new ShapeError(`${op}: a 0-d tensor is not a sequence of arrays; pass a list`);
    const rest = arrays.shape.slice(1);
    return Array.from({ length: arrays.shape[0] }, (_, i) => reshape(sliceAxis(arrays, 0, i, i + 1), rest));
  }
  if (!Array.isArray(arrays)) throw new ArgumentError(`${op}: expected a list of arrays, got ${typeof arrays}`);
  if (arrays.length === 0) throw new ArgumentError(`${op}: need at least one array to join`);
  return arrays.map((a) => toArg(a));
}

/** Casts the inputs to an explicit result `dtype`, refusing casts NumPy's "same_kind" rule refuses. */
export function castAll(args: Arg[], dtype: DType | undefined, op: string): Arg[] {
  if (dtype === undefined) return args;
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; use float64, float32, int32 or bool`);
  const natural = resultDtypeN(args);
  if (KIND[dtype] < KIND[natural])
    throw new DTypeError(`${op}: cannot cast arrays of dtype ${natural} to ${dtype} under the "same_kind" rule; cast them with astype first`);
  return args.map((a) => (dtypeOf(a) === dtype && typeof a !== "number" ? a : astype(a, dtype)));
}

function readJoinOptions(axis: number | null | JoinOptions | undefined, fallback: number): { axis: number | null; dtype?: DType } {
  if (axis !== null && typeof axis === "object") return { axis: axis.axis === undefined ? fallback : axis.axis, dtype: axis.dtype };
  return { axis: axis === undefined ? fallback : axis };
}

/** Joins arrays already validated to agree off `axis` (internal: the public functions check shapes). */
function concatChecked(args: Arg[], axis: number): Tensor {
  return bind(concatenatePrim, args, { axis });
}

/** `np.concatenate(arrays, axis = 0)` (or `{axis, dtype}`); `axis: null` flattens every array first. */
export function concatenate(arrays: ArraySequence, axis: number | null | JoinOptions = 0): Tensor {
  const o = readJoinOptions(axis, 0);
  let args = castAll(readSequence(arrays, "concatenate"), o.dtype, "concatenate");
  if (o.axis === null) args = args.map((a) => reshape(a, [-1]));
  const s0 = shapeOf(args[0]);
  const nd = s0.length;
  if (nd === 0) throw new ShapeError("concatenate: zero-dimensional arrays cannot be concatenated; use stack, or axis: null");
  const ax = normalizeAxis(o.axis ?? 0, nd, "concatenate");
  args.forEach((a, i) => {
    const s = shapeOf(a);
    if (s.length !== nd)
      throw new ShapeError(
        `concatenate: all arrays must have the same number of dimensions, but array 0 has shape ${fmtShape(s0)} and array ${i} has shape ${fmtShape(s)}`,
      );
    for (let d = 0; d < nd; d++)
      if (d !== ax && s[d] !== s0[d])
        throw new ShapeError(
          `concatenate: array dimensions must match except along axis ${ax}, but array 0 has shape ${fmtShape(s0)} and array ${i} has shape ${fmtShape(s)} (axis ${d})`,
        );
  });
  return concatChecked(args, ax);
}

/** `np.stack(arrays, axis = 0)` (or `{axis, dtype}`): joins arrays of one shape along a new axis. */
export function stack(arrays: ArraySequence, axis: number | JoinOptions = 0): Tensor {
  const o = readJoinOptions(axis, 0);
  const args = castAll(readSequence(arrays, "stack"), o.dtype, "stack");
  const s0 = shapeOf(args[0]);
  args.forEach((a, i) => {
    const s = shapeOf(a);
    if (s.length !== s0.length || s.some((d, k) => d !== s0[k]))
      throw new ShapeError(`stack: all arrays must have the same shape, but array 0 has shape ${fmtShape(s0)} and array ${i} has shape ${fmtShape(s)}`);
  });
  const ax = normalizeAxis(o.axis ?? 0, s0.length + 1, "stack");
  return concatChecked(args.map((a) => expandDims(a, ax)), ax);
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
    return parts.length === 1 ? g : concatChecked(parts, p.axis);
  },
  jvp: (t, _ans, _args, p) => sliceAxis(t, p.axis, p.start, p.stop),
});

/** `x` restricted to `start <= i < stop` along `axis` (a view). Internal building block. */
export function sliceAxis(x: ArrayLike, axis: number, start: number, stop: number): Tensor {
  const a = toArg(x);
  const shape = shapeOf(a);
  const ax = normalizeAxis(axis, shape.length, "slice");
  if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || stop > shape[ax] || start > stop)
    throw new ShapeError(`slice: range ${start}:${stop} out of bounds for axis ${ax} of size ${shape[ax]}`);
  if (start === 0 && stop === shape[ax]) return toTensor(a);
  return bind1(sliceAxisPrim, a, { axis: ax, start, stop });
}
