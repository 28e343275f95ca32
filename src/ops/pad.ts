import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray, castValue, isFloat } from "../tensor/dtype.js";
import { contiguousStrides, shapeSize } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Primitive, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { toArg, toTensor } from "./args.js";
import { add, divide, multiply, subtract } from "./arith.js";
import { astype } from "./cast.js";
import { sum } from "./reduce.js";
import { broadcastTo } from "./shape.js";
import { concatenate, sliceAxis } from "./join.js";
import { gatherAxis } from "./take-axis.js";
import { sort } from "./sort.js";
import { where } from "./where.js";
import { equal, isnan } from "./compare.js";
import { floor, rint } from "./elementwise-rounding.js";
import { any } from "./reduce-logical.js";
import { isOptions } from "./construct-opts.js";
import { PairSpec, padWidths, pairsPerAxis } from "./pad-width.js";
import { copyIntoBox, fillBox } from "../kernels/lanes.js";

// np.pad. Constant padding is one primitive (its adjoint crops); every other mode pads one axis
// at a time, as NumPy does (so corners see the axes padded before them), with gathers and
// concatenations whose gradients are already defined.

export type PadMode = "constant" | "edge" | "linear_ramp" | "maximum" | "mean" | "median" | "minimum" | "reflect" | "symmetric" | "wrap" | "empty";

export interface PadOptions {
  mode?: PadMode;
  /** mode "constant": the fill value(s), broadcast to (before, after) per axis. */
  constantValues?: PairSpec<number>;
  /** mode "linear_ramp": the values the ramps end at. */
  endValues?: PairSpec<number>;
  /** modes "maximum", "mean", "median", "minimum": how many edge values the statistic uses (null: the whole axis). */
  statLength?: PairSpec<number | null> | null;
  /** modes "reflect", "symmetric": "odd" extends by 2 * edge - reflection. */
  reflectType?: "even" | "odd";
}

const MODES: readonly PadMode[] = ["constant", "edge", "linear_ramp", "maximum", "mean", "median", "minimum", "reflect", "symmetric", "wrap", "empty"];

const STAT = ["statLength"];
const ALLOWED: Record<PadMode, readonly string[]> = {
  constant: ["constantValues"],
  edge: [],
  linear_ramp: ["endValues"],
  maximum: STAT,
  mean: STAT,
  median: STAT,
  minimum: STAT,
  reflect: ["reflectType"],
  symmetric: ["reflectType"],
  wrap: [],
  empty: [],
};

interface ConstantParams {
  widths: [number, number][];
  values: [number, number][];
}

function padConstantImpl(x: Tensor, p: ConstantParams): Tensor {
  const shape = x.shape.map((n, d) => n + p.widths[d][0] + p.widths[d][1]);
  const strides = contiguousStrides(shape);
  const dst = allocArray(x.dtype, shapeSize(shape));
  const v0 = p.values[0][0];
  if (p.values.every(([b, a]) => b === v0 && a === v0)) {
    if (v0 !== 0) dst.fill(castValue(v0, x.dtype));
  } else {
    // Later axes overwrite the corners, as NumPy's axis-by-axis padding does.
    for (let d = 0; d < shape.length; d++) {
      const [b, a] = p.widths[d];
      const box = shape.slice();
      box[d] = b;
      fillBox(dst, 0, strides, box, castValue(p.values[d][0], x.dtype));
      box[d] = a;
      fillBox(dst, (b + x.shape[d]) * strides[d], strides, box, castValue(p.values[d][1], x.dtype));
    }
  }
  let offset = 0;
  for (let d = 0; d < shape.length; d++) offset += p.widths[d][0] * strides[d];
  copyIntoBox(x.contiguousData(false), dst, offset, strides, x.shape);
  return fromBuffer(dst, shape, x.dtype);
}

const padConstantPrim: Primitive<ConstantParams> = definePrimitive<ConstantParams>({
  name: "pad",
  impl: (args, p) => padConstantImpl(toTensor(args[0]), p),
  vjp: (g, _ans, args, p) => {
    let r = g;
    const shape = toTensor(args[0]).shape;
    p.widths.forEach(([b], d) => (r = sliceAxis(r, d, b, b + shape[d])));
    return r;
  },
  jvp: (t, _ans, _args, p) => bind1(padConstantPrim, t, { widths: p.widths, values: p.widths.map((): [number, number] => [0, 0]) }),
});

/**
 * `np.pad(array, padWidth, mode = "constant", {constantValues, endValues, statLength, reflectType})`,
 * or `np.pad(array, padWidth, {mode, ...})`. padWidth is an integer, a (before, after) pair, one
 * pair per axis, or `{axis: pair}`. Every mode is differentiable in the array.
 */
export function pad(array: ArrayLike, padWidth: PairSpec<number>, mode?: PadMode | PadOptions, options?: PadOptions): Tensor {
  const o: PadOptions = isOptions(mode) ? (mode as PadOptions) : { ...options, mode: (mode as PadMode | undefined) ?? options?.mode };
  const m = o.mode ?? "constant";
  if (!MODES.includes(m)) throw new ArgumentError(`pad: unknown mode ${JSON.stringify(m)}; use one of ${MODES.join(", ")}`);
  const allowed = ALLOWED[m];
  for (const key of ["constantValues", "endValues", "statLength", "reflectType"] as const)
    if (o[key] !== undefined && !allowed.includes(key))
      throw new ArgumentError(`pad: option ${key} does not apply to mode "${m}"${allowed.length ? `; it takes ${allowed.join(", ")}` : ""}`);
  const x = toTensor(toArg(array));
  if (x.ndim === 0) return x;
  const widths = padWidths(padWidth, x.ndim);
  if (widths.every(([b, a]) => b === 0 && a === 0)) return x;
  // "empty" leaves the padding undefined in NumPy; zeros are a valid choice.
  if (m === "constant" || m === "empty") {
    const values = pairsPerAxis<number>(m === "constant" ? o.constantValues ?? 0 : 0, x.ndim, "pad", "constant_values", 0);
    return bind1(padConstantPrim, x, { widths, values });
  }
  const ends = m === "linear_ramp" ? pairsPerAxis<number>(o.endValues ?? 0, x.ndim, "pad", "end_values", 0) : null;
  const stats = pairsPerAxis<number | null>(o.statLength ?? null, x.ndim, "pad", "stat_length", null);
  const odd = (o.reflectType ?? "even") === "odd";
  if (o.reflectType !== undefined && o.reflectType !== "even" && o.reflectType !== "odd")
    throw new ArgumentError(`pad: reflectType must be "even" or "odd", got ${JSON.stringify(o.reflectType)}`);
  let r = x;
  for (let d = 0; d < x.ndim; d++) {
    const [b, a] = widths[d];
    if (b === 0 && a === 0) continue;
    const n = r.shape[d];
    if (n === 0)
      throw new ShapeError(`pad: can't extend empty axis ${d} of shape ${fmtShape(x.shape)} with mode "${m}"; only "constant" and "empty" pad an empty axis`);
    if (m === "linear_ramp") r = linearRamp(r, d, b, a, ends![d]);
    else if (m === "maximum" || m === "minimum" || m === "mean" || m === "median") r = statPad(r, d, b, a, stats[d], m);
    else if (odd && (m === "reflect" || m === "symmetric") && x.shape[d] > 1) r = reflectOdd(r, d, b, a, m === "symmetric");
    else r = gatherAxis(r, { axis: d, index: periodicIndex(m, n, b, a), n });
  }
  return r;
}

/** Source positions for edge, wrap and even reflect/symmetric padding of an axis of length n. */
function periodicIndex(mode: PadMode, n: number, b: number, a: number): Int32Array {
  const index = new Int32Array(b + n + a);
  const reflect = mode === "reflect" && n > 1;
  const period = mode === "wrap" ? n : reflect ? 2 * (n - 1) : 2 * n;
  for (let j = 0; j < index.length; j++) {
    const p = j - b;
    if (mode === "edge" || (mode === "reflect" && n === 1)) index[j] = p < 0 ? 0 : p >= n ? n - 1 : p;
    else {
      let q = p % period;
      if (q < 0) q += period;
      if (mode === "reflect" && q >= n) q = period - q;
      else if (mode === "symmetric" && q >= n) q = period - 1 - q;
      index[j] = q;
    }
  }
  return index;
}

function descending(from: number, count: number): Int32Array {
  const index = new Int32Array(count);
  for (let j = 0; j < count; j++) index[j] = from - j;
  return index;
}

/**
 * Odd reflection: each chunk is 2 * edge - mirror image, mirrored about the current edge, in
 * chunks whose lengths are multiples of the original period (NumPy's iteration), so the result
 * for pads wider than the axis matches NumPy's.
 */
function reflectOdd(x: Tensor, axis: number, before: number, after: number, includeEdge: boolean): Tensor {
  const n0 = x.shape[axis];
  let r = x;
  let left = before;
  let right = after;
  while (left > 0 || right > 0) {
    const len = r.shape[axis];
    const chunk = includeEdge ? Math.floor(len / n0) * n0 : Math.floor((len - 1) / (n0 - 1)) * (n0 - 1);
    const parts: Tensor[] = [];
    if (left > 0) {
      const c = Math.min(chunk, left);
      const mirror = gatherAxis(r, { axis, index: descending(includeEdge ? c - 1 : c, c), n: len });
      parts.push(subtract(multiply(sliceAxis(r, axis, 0, 1), 2), mirror));
      left -= c;
    }
    parts.push(r);
    if (right > 0) {
      const c = Math.min(chunk, right);
      const mirror = gatherAxis(r, { axis, index: descending(includeEdge ? len - 1 : len - 2, c), n: len });
      parts.push(subtract(multiply(sliceAxis(r, axis, len - 1, len), 2), mirror));
      right -= c;
    }
    r = concatenate(parts, axis);
  }
  return r;
}

/** A constant tensor along `axis` only (shape 1 elsewhere), to broadcast against slices of x. */
function alongAxis(values: Float64Array, axis: number, ndim: number, dtype: DType): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[axis] = values.length;
  const buf = allocArray(dtype, values.length);
  buf.set(values);
  return fromBuffer(buf, shape, dtype);
}

/** Rounds half to even and casts back: NumPy's rounding of integer ramps and statistics. */
function roundTo(t: Tensor, dtype: DType): Tensor {
  if (isFloat(dtype)) return t;
  return astype(rint(t), dtype);
}

/**
 * Ramps from the end value towards the edge value, as NumPy's linspace(end, edge, width,
 * endpoint=False) in float64 (reversed on the after side): end + i * ((edge - end) / width), or
 * end + (i / width) * (edge - end) when some step is zero; integer arrays floor the ramp.
 */
function linearRamp(x: Tensor, axis: number, before: number, after: number, ends: [number, number]): Tensor {
  const n = x.shape[axis];
  // NumPy builds the ramp in float64 (the end values are float64 arrays) and casts it back.
  const calc = "float64";
  const xf = astype(x, calc);
  const side = (edge: Tensor, width: number, end: number, outward: boolean): Tensor => {
    const steps = new Float64Array(width);
    for (let i = 0; i < width; i++) steps[i] = outward ? width - 1 - i : i;
    const delta = subtract(edge, end);
    // Which of NumPy's two formulas applies depends on the values (a zero step anywhere); both
    // are built and one selected, so no value is read (jit records the choice as an op).
    const zeroStep = any(equal(divide(delta, width), 0));
    const ramp = where(
      zeroStep,
      add(multiply(divide(alongAxis(steps, axis, x.ndim, calc), width), delta), end),
      add(multiply(alongAxis(steps, axis, x.ndim, calc), divide(delta, width)), end),
    );
    return isFloat(x.dtype) ? astype(ramp, x.dtype) : astype(floorOf(ramp), x.dtype);
  };
  const parts: Tensor[] = [];
  if (before > 0) parts.push(side(sliceAxis(xf, axis, 0, 1), before, ends[0], false));
  parts.push(x);
  if (after > 0) parts.push(side(sliceAxis(xf, axis, n - 1, n), after, ends[1], true));
  return concatenate(parts, axis);
}

/** Floor of a constant (integer ramps carry no gradient). */
function floorOf(t: Tensor): Tensor {
  return floor(t);
}

type StatMode = "maximum" | "minimum" | "mean" | "median";

/** A statistic of the first (or last) `len` values along the axis, keeping the axis (length 1). */
function edgeStat(x: Tensor, axis: number, len: number, fromEnd: boolean, mode: StatMode): Tensor {
  const n = x.shape[axis];
  const chunk = fromEnd ? sliceAxis(x, axis, n - len, n) : sliceAxis(x, axis, 0, len);
  if (mode === "mean") {
    const xf = isFloat(x.dtype) ? chunk : astype(chunk, "float64");
    return roundTo(divide(sum(xf, { axis, keepdims: true }), len), x.dtype);
  }
  const sorted = sort(chunk, axis);
  const last = sliceAxis(sorted, axis, len - 1, len);
  if (mode === "maximum") return last;
  let stat: Tensor;
  const h = len >> 1;
  if (mode === "minimum") stat = sliceAxis(sorted, axis, 0, 1);
  else if (len % 2 === 1) stat = sliceAxis(sorted, axis, h, h + 1);
  else {
    const sf = isFloat(x.dtype) ? sorted : astype(sorted, "float64");
    stat = roundTo(multiply(add(sliceAxis(sf, axis, h - 1, h), sliceAxis(sf, axis, h, h + 1)), 0.5), x.dtype);
  }
  return propagateNaN(stat, last);
}

/** NumPy's min and median are NaN for a lane holding a NaN; sorting put any NaN last. */
function propagateNaN(stat: Tensor, last: Tensor): Tensor {
  if (!isFloat(last.dtype)) return stat;
  return where(isnan(last), NaN, stat);
}

function statPad(x: Tensor, axis: number, before: number, after: number, lens: [number | null, number | null], mode: StatMode): Tensor {
  const n = x.shape[axis];
  const length = (l: number | null): number => {
    if (l === null) return n;
    if (!Number.isInteger(l) || l < 0) throw new ArgumentError(`pad: stat_length must hold non-negative integers or null, got ${l}`);
    if (l === 0) throw new ArgumentError(`pad: stat_length of 0 yields no value for padding (mode "${mode}")`);
    return Math.min(l, n);
  };
  const parts: Tensor[] = [];
  const shapeWith = (w: number): number[] => x.shape.map((s, d) => (d === axis ? w : s));
  if (before > 0) parts.push(broadcastTo(edgeStat(x, axis, length(lens[0]), false, mode), shapeWith(before)));
  parts.push(x);
  if (after > 0) parts.push(broadcastTo(edgeStat(x, axis, length(lens[1]), true, mode), shapeWith(after)));
  return concatenate(parts, axis);
}
