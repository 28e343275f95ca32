import { Tensor, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import type { ArrayLike } from "../tensor/create.js";
import { DType, TypedArray, isDType } from "../tensor/dtype.js";
import { broadcastShapes, normalizeAxis, shapeSize, shapesEqual } from "../tensor/shape.js";
import { ArgumentError, ChainruleError } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { resultDtypeN, shapeOf, toArg, toTensor } from "./args.js";
import { broadcastStrides } from "./kernel-wrap.js";

// Inspection and whole-array comparison: the answers are JS values (booleans, numbers, dtype
// names), read from concrete values, so they work on traced tensors and carry no gradient.

const copyPrim = definePrimitive<undefined>({
  name: "copy",
  impl: (args) => {
    const x = toTensor(args[0]);
    if (x.shape.length === 0) return scalarTensor(x.scalar, x.dtype);
    return fromBuffer(x.contiguousData(true), x.shape.slice(), x.dtype);
  },
  vjp: (g) => g,
  jvp: (t) => t,
});

/** `np.copy(x)` / `x.copy()`: a new tensor with its own contiguous storage; differentiable. */
export function copy(x: ArrayLike): Tensor {
  return bind1(copyPrim, toArg(x), undefined);
}

/** The values of the concrete tensor `t` broadcast to shape `b` (of size m), in C order, as float64. */
export function broadcastValues(t: Tensor, b: readonly number[], m: number): Float64Array {
  const c = t.concrete();
  const buf = c.buffer();
  const st = broadcastStrides(c.shape, c.strides, b);
  const out = new Float64Array(m);
  const nd = b.length;
  const idx = new Array<number>(nd).fill(0);
  let p = c.offset;
  for (let k = 0; k < m; k++) {
    out[k] = buf[p];
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++;
      p += st[d];
      if (idx[d] < b[d]) break;
      p -= st[d] * b[d];
      idx[d] = 0;
    }
  }
  return out;
}

/** Two operands' values over their broadcast shape: element i of each is `buf[off + i]`. */
interface Pair {
  x: TypedArray;
  ox: number;
  y: TypedArray;
  oy: number;
  n: number;
}

/** Both operands over their broadcast shape, or null when the shapes don't broadcast (and not `strict`). */
function pairValues(a: ArrayLike, b: ArrayLike, op: string, strict: boolean): Pair | null {
  const x = toTensor(toArg(a)).concrete();
  const y = toTensor(toArg(b)).concrete();
  let shape: number[];
  try {
    shape = broadcastShapes(x.shape, y.shape, op);
  } catch (e) {
    if (!strict && e instanceof ChainruleError) return null;
    throw e;
  }
  const n = shapeSize(shape);
  // Same shape and contiguous (the usual case): read the storage in place, no copies.
  const direct = (t: Tensor) => shapesEqual(t.shape, shape) && t.isContiguous;
  const side = (t: Tensor): [TypedArray, number] => (direct(t) ? [t.buffer(), t.offset] : [broadcastValues(t, shape, n), 0]);
  const [xb, ox] = side(x);
  const [yb, oy] = side(y);
  return { x: xb, ox, y: yb, oy, n };
}

export interface AllcloseOptions {
  rtol?: number;
  atol?: number;
  /** Count NaNs in the same place as equal (default false). */
  equalNan?: boolean;
}

/**
 * `np.allclose(a, b, {rtol = 1e-5, atol = 1e-8, equalNan = false})`: whether
 * `|a - b| <= atol + rtol * |b|` everywhere (broadcast; not symmetric in a and b, as NumPy).
 * Infinities are close only to the same infinity.
 */
export function allclose(a: ArrayLike, b: ArrayLike, opts: AllcloseOptions = {}): boolean {
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const equalNan = opts.equalNan ?? false;
  if (!(rtol >= 0) || !(atol >= 0)) throw new ArgumentError(`allclose: rtol and atol must be non-negative, got ${rtol} and ${atol}`);
  const { x, ox, y, oy, n } = pairValues(a, b, "allclose", true)!;
  for (let i = 0; i < n; i++) {
    const u = x[ox + i];
    const v = y[oy + i];
    if (u === v) continue;
    if (u !== u || v !== v) {
      if (equalNan && u !== u && v !== v) continue;
      return false;
    }
    // Unequal values with an infinity among them are never close (inf <= inf would say so).
    if (u === Infinity || u === -Infinity || v === Infinity || v === -Infinity) return false;
    if (!(Math.abs(u - v) <= atol + rtol * Math.abs(v))) return false;
  }
  return true;
}

function allEqual({ x, ox, y, oy, n }: Pair, equalNan: boolean): boolean {
  for (let i = 0; i < n; i++) {
    const u = x[ox + i];
    const v = y[oy + i];
    if (u !== v && !(equalNan && u !== u && v !== v)) return false;
  }
  return true;
}

/** `np.arrayEqual(a, b, {equalNan})`: same shape and equal values (1 equals 1.0 across dtypes). */
export function arrayEqual(a: ArrayLike, b: ArrayLike, opts: { equalNan?: boolean } = {}): boolean {
  if (!shapesEqual(shapeOf(toArg(a)), shapeOf(toArg(b)))) return false;
  return allEqual(pairValues(a, b, "arrayEqual", true)!, opts.equalNan ?? false);
}

/** `np.arrayEquiv(a, b)`: shapes that broadcast together and equal values after broadcasting. */
export function arrayEquiv(a: ArrayLike, b: ArrayLike): boolean {
  const p = pairValues(a, b, "arrayEquiv", false);
  return p !== null && allEqual(p, false);
}

/**
 * `np.resultType(...arraysAndDtypes)`: the dtype NumPy's promotion gives these operands. JS
 * numbers are weak (Python) scalars, so `resultType(float32Array, 2.0)` is float32; dtype
 * names count as arrays of that dtype.
 */
export function resultType(...args: (ArrayLike | DType)[]): DType {
  if (args.length === 0) throw new ArgumentError("resultType: needs at least one array or dtype");
  const ops: Arg[] = args.map((a) => (isDType(a) ? scalarTensor(0, a) : toArg(a as ArrayLike)));
  return resultDtypeN(ops);
}

/**
 * `np.isscalar(x)`: true for JS numbers, booleans, bigints and strings. A tensor, even 0-d, is
 * not a scalar (NumPy answers the same for 0-d arrays).
 */
export function isscalar(x: unknown): boolean {
  const t = typeof x;
  return t === "number" || t === "boolean" || t === "bigint" || t === "string";
}

/** `np.ndim(x)`: the number of axes. */
export function ndim(x: ArrayLike): number {
  return shapeOf(toArg(x)).length;
}

/** `np.shape(x)`: the shape as a new array. */
export function shape(x: ArrayLike): number[] {
  return shapeOf(toArg(x)).slice();
}

/** `np.size(x, axis?)`: the number of elements, or the length of one axis. */
export function size(x: ArrayLike, axis?: number | null | { axis?: number | null }): number {
  const s = shapeOf(toArg(x));
  const ax = axis !== null && typeof axis === "object" ? axis.axis : axis;
  if (ax === null || ax === undefined) return shapeSize(s);
  return s[normalizeAxis(ax, s.length, "size")];
}

/** `np.iscomplexobj(x)`: whether x has a complex dtype (none of chainrule's dtypes is complex yet). */
export function iscomplexobj(x: ArrayLike): boolean {
  toArg(x);
  return false;
}

/** `np.isrealobj(x)`: the negation of iscomplexobj. */
export function isrealobj(x: ArrayLike): boolean {
  return !iscomplexobj(x);
}
