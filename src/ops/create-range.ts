import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray, castValue } from "../tensor/dtype.js";
import { broadcastShapes, normalizeAxis, shapeSize } from "../tensor/shape.js";
import { ArgumentError } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { resultDtype, shapeOf, toArg, toTensor } from "./args.js";
import { broadcastValues } from "./misc.js";
import { DTypeArg, readDtype } from "./fill.js";
import { fitTangent, unbroadcast } from "./grad-util.js";
import { divide, multiply, subtract } from "./arith.js";
import { reshape } from "./shape.js";
import { sum } from "./reduce.js";
import { astype } from "./cast.js";

/**
 * `np.arange(start, stop?, step?, dtype?)`: values from `start` (default 0) up to, not including,
 * `stop`, `ceil((stop - start) / step)` of them. Integer arguments give int32 (NumPy gives its
 * integer dtype; chainrule's is int32), any fractional one gives float64. The dtype may be the
 * last positional argument or `{dtype}`. Values follow NumPy's `start + i * delta` recurrence,
 * so float steps give NumPy's numbers bit for bit.
 */
export function arange(start: number, stop?: number | DTypeArg, step?: number | DTypeArg, dtype?: DTypeArg): Tensor {
  const nums: number[] = [];
  let dt: DType | undefined;
  for (const a of [start, stop, step, dtype]) {
    if (typeof a === "number") {
      if (dt !== undefined || nums.length === 3)
        throw new ArgumentError("arange: expected arange(start, stop?, step?, dtype?) with the dtype last");
      nums.push(a);
    } else if (a !== undefined && a !== null) dt = readDtype(a as DTypeArg, "arange");
  }
  if (nums.length === 0) throw new ArgumentError("arange: needs at least a stop value, e.g. np.arange(5)");
  const [lo, hi, st] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (st === 0) throw new ArgumentError("arange: step must not be zero");
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !Number.isFinite(st))
    throw new ArgumentError(`arange: start, stop and step must be finite, got ${lo}, ${hi}, ${st}`);
  const out: DType = dt ?? (nums.every((v) => Number.isInteger(v) && Math.abs(v) <= 2147483647) ? "int32" : "float64");
  const n = Math.max(0, Math.ceil((hi - lo) / st));
  if (n > 2 ** 31) throw new ArgumentError(`arange: ${n} elements is too many; check start, stop and step`);
  if (out === "bool" && n > 2) throw new ArgumentError(`arange: a bool range holds at most 2 values (False, True), got ${n}`);
  const buf = allocArray(out, n);
  // NumPy fills the first two values, then extends with the difference they actually have
  // (in the output dtype), which is what makes its float results what they are.
  const first = castValue(lo, out);
  const delta = castValue(castValue(lo + st, out) - first, out);
  if (out === "float32") for (let i = 0; i < n; i++) buf[i] = Math.fround(first + Math.fround(i * delta));
  else for (let i = 0; i < n; i++) buf[i] = first + i * delta;
  return fromBuffer(buf, [n], out);
}

interface LinspaceParams {
  num: number;
  endpoint: boolean;
  /** Position of the samples' axis in the output. */
  axis: number;
  /** The dtype the values are computed in (float32 or float64). */
  calc: DType;
}

/** Output shape: the broadcast shape of start and stop with the samples' axis inserted. */
function linspaceShape(args: Arg[], p: LinspaceParams): number[] {
  const b = broadcastShapes(shapeOf(args[0]), shapeOf(args[1]), "linspace");
  return [...b.slice(0, p.axis), p.num, ...b.slice(p.axis)];
}

function linspaceImpl(args: Arg[], p: LinspaceParams): Tensor {
  const start = toTensor(args[0]);
  const stop = toTensor(args[1]);
  const b = broadcastShapes(start.shape, stop.shape, "linspace");
  const m = shapeSize(b);
  const lo = broadcastValues(start, b, m);
  const hi = broadcastValues(stop, b, m);
  const f = p.calc === "float32" ? Math.fround : (v: number) => v;
  const div = p.endpoint ? p.num - 1 : p.num;
  const delta = new Float64Array(m);
  const step = new Float64Array(m);
  let anyZeroStep = false;
  for (let j = 0; j < m; j++) {
    delta[j] = f(hi[j] - lo[j]);
    step[j] = f(delta[j] / div);
    if (step[j] === 0) anyZeroStep = true;
  }
  // NumPy's recipe: start + i * step, or (i / div) * delta when a step underflows to zero;
  // with div = 0 (one sample and an endpoint) the step is NaN but the sample is start.
  const shape = linspaceShape(args, p);
  const out = allocArray(p.calc, p.num * m);
  const inner = shapeSize(b.slice(p.axis));
  const outer = m / Math.max(inner, 1);
  for (let i = 0; i < p.num; i++) {
    const last = p.endpoint && p.num > 1 && i === p.num - 1;
    for (let o = 0; o < outer; o++)
      for (let k = 0; k < inner; k++) {
        const j = o * inner + k;
        let v: number;
        if (last) v = hi[j];
        else if (div === 0) v = lo[j] + f(i * delta[j]);
        else if (anyZeroStep) v = f(f(f(i / div) * delta[j]) + lo[j]);
        else v = f(f(i * step[j]) + lo[j]);
        out[(o * p.num + i) * inner + k] = v;
      }
  }
  return fromBuffer(out, shape, p.calc);
}

/**
 * How much each sample moves with `stop` (the weight of start is one minus it), shaped to
 * broadcast against the output: `num` along the samples' axis, 1 elsewhere.
 */
function stopWeights(p: LinspaceParams, ndim: number, dtype: DType): Tensor {
  const div = p.endpoint ? p.num - 1 : p.num;
  const w = allocArray(dtype, p.num);
  for (let i = 0; i < p.num; i++) w[i] = div === 0 ? 0 : i / div;
  const shape = new Array<number>(ndim).fill(1);
  shape[p.axis] = p.num;
  return fromBuffer(w, shape, dtype);
}

/** Lifts an argument's tangent or cotangent to the output's rank, the samples' axis inserted as size 1. */
function lift(t: Tensor, ndim: number, axis: number): Tensor {
  const s = new Array<number>(ndim - 1 - t.ndim).fill(1).concat(t.shape);
  s.splice(axis, 0, 1);
  return reshape(t, s);
}

const linspacePrim = definePrimitive<LinspaceParams>({
  name: "linspace",
  impl: linspaceImpl,
  vjp: (g, ans, args, p, i) => {
    const w = stopWeights(p, ans.ndim, g.dtype);
    const weighted = i === 1 ? multiply(g, w) : subtract(g, multiply(g, w));
    return unbroadcast(sum(weighted, { axis: p.axis }), args[i]);
  },
  jvp: (t, ans, _args, p, i) => {
    const w = stopWeights(p, ans.ndim, ans.dtype);
    const tl = lift(t, ans.ndim, p.axis);
    return fitTangent(i === 1 ? multiply(tl, w) : subtract(tl, multiply(tl, w)), ans);
  },
});

export interface LinspaceOptions {
  num?: number;
  /** Include `stop` as the last sample (default true). */
  endpoint?: boolean;
  /** Also return the spacing: `[samples, step]`. */
  retstep?: boolean;
  dtype?: DType;
  /** Where the samples' axis goes when start or stop are arrays (default 0). */
  axis?: number;
}

/**
 * `np.linspace(start, stop, num = 50, {endpoint, retstep, dtype, axis})`: `num` evenly spaced
 * samples. `start` and `stop` may be arrays (broadcast together; the samples' axis is `axis`)
 * and are differentiable. With `retstep`, returns `[samples, step]`, the step a number when
 * start and stop are numbers.
 */
export function linspace(
  start: ArrayLike,
  stop: ArrayLike,
  num: number | undefined,
  opts: LinspaceOptions & { retstep: true },
): [Tensor, Tensor | number];
export function linspace(start: ArrayLike, stop: ArrayLike, opts: LinspaceOptions & { retstep: true }): [Tensor, Tensor | number];
export function linspace(start: ArrayLike, stop: ArrayLike, num?: number | LinspaceOptions, opts?: LinspaceOptions): Tensor;
export function linspace(
  start: ArrayLike,
  stop: ArrayLike,
  num?: number | LinspaceOptions,
  opts: LinspaceOptions = {},
): Tensor | [Tensor, Tensor | number] {
  const o: LinspaceOptions = typeof num === "object" && num !== null ? { ...opts, ...num } : { ...opts, num: num ?? opts.num };
  const n = o.num ?? 50;
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`linspace: num must be a non-negative integer, got ${n}`);
  const dt = readDtype(o.dtype, "linspace");
  const a = toArg(start);
  const b = toArg(stop);
  const nd = broadcastShapes(shapeOf(a), shapeOf(b), "linspace").length;
  const axis = normalizeAxis(o.axis ?? 0, nd + 1, "linspace");
  // float32 inputs compute in float32 (NumPy's result_type with a Python float); all else in float64.
  const calc: DType = resultDtype(a, b) === "float32" ? "float32" : "float64";
  const endpoint = o.endpoint ?? true;
  let y = bind(linspacePrim, [a, b], { num: n, endpoint, axis, calc });
  // An integer dtype rounds toward minus infinity, as NumPy 2 does.
  if (dt !== undefined && dt !== calc) y = castFloor(y, dt);
  if (!o.retstep) return y;
  const div = endpoint ? n - 1 : n;
  // One sample with an endpoint has no spacing: NumPy reports NaN.
  if (typeof a === "number" && typeof b === "number") return [y, div === 0 ? NaN : (b - a) / div];
  const delta = subtract(b, a);
  return [y, div === 0 ? multiply(delta, NaN) : divide(delta, div)];
}

function castFloor(y: Tensor, dt: DType): Tensor {
  const c = y.concrete();
  if (dt === "float32" || dt === "float64") return astype(y, dt);
  const vals = c.contiguousData(false);
  const out = allocArray(dt, vals.length);
  for (let i = 0; i < vals.length; i++) out[i] = castValue(Math.floor(vals[i]), dt);
  return fromBuffer(out, c.shape.slice(), dt);
}
