import { Tensor, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { allocArray, castValue, isFloat } from "../tensor/dtype.js";
import { broadcastShapesN, shapeSize } from "../tensor/shape.js";
import { clamp, map3Strided } from "../kernels/elementwise.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind, bind1 } from "../core/trace.js";
import { ArgumentError } from "../errors.js";
import { dtypeOf, resultDtypeN, toArg, toTensor } from "./args.js";
import { broadcastStrides, unaryKernel } from "./kernel-wrap.js";
import { fitTangent, unbroadcast } from "./grad-util.js";
import { equal, isfinite, logicalAnd, notEqual } from "./compare.js";
import { where } from "./where.js";

// clip and nan_to_num: elementwise, with gradients that pass only where the input survives.

interface ClipParams {
  /** Which bounds are present; the arguments are [x, lower?, upper?]. */
  lo: boolean;
  hi: boolean;
}

function isScalarArg(a: Arg): boolean {
  return typeof a === "number" || a.shape.length === 0;
}

function scalarValue(a: Arg): number {
  return typeof a === "number" ? a : a.scalar;
}

function clipImpl(args: Arg[], p: ClipParams): Tensor {
  const x = args[0];
  const lo = p.lo ? args[1] : null;
  const hi = p.hi ? args[p.lo ? 2 : 1] : null;
  const dt = resultDtypeN(args);
  if (typeof x === "number" || x.shape.length === 0) {
    if ((lo === null || isScalarArg(lo)) && (hi === null || isScalarArg(hi))) {
      const l = lo === null ? -Infinity : castValue(scalarValue(lo), dt);
      const h = hi === null ? Infinity : castValue(scalarValue(hi), dt);
      return scalarTensor(clamp(castValue(scalarValue(x), dt), l, h), dt);
    }
  }
  // A JS number bound takes the result dtype first (0.1 meets a float32 array as a float32);
  // a missing bound is an infinity, which must not go through an int32 cast.
  const asOperand = (a: Arg | null, none: number): Tensor =>
    a === null ? toTensor(none) : typeof a === "number" || a.weak ? toTensor(castValue(scalarValue(a), dt)) : a;
  const ops = [asOperand(x, 0), asOperand(lo, -Infinity), asOperand(hi, Infinity)];
  const shape = broadcastShapesN(
    ops.map((t) => t.shape),
    "clip",
  );
  const dst = allocArray(dt, shapeSize(shape));
  const strided = ops.map((t) => ({ buf: t.buffer(), off: t.offset, st: broadcastStrides(t.shape, t.strides, shape) }));
  map3Strided(clamp, strided, shape, dst);
  return fromBuffer(dst, shape, dt);
}

/**
 * Where each argument's cotangent goes: x keeps it strictly inside the bounds (none where the
 * output equals a bound, x on a bound included: HIPS autograd's convention); a bound takes it
 * where the output equals that bound (the upper one when both are equal), so the three masks
 * partition the output.
 */
function clipMask(ans: Tensor, args: Arg[], p: ClipParams, i: number): Tensor {
  const lo = p.lo ? args[1] : null;
  const hi = p.hi ? args[p.lo ? 2 : 1] : null;
  if (i === 0) {
    if (lo !== null && hi !== null) return logicalAnd(notEqual(ans, lo), notEqual(ans, hi));
    return notEqual(ans, (lo ?? hi) as Arg);
  }
  const isHi = i === (p.lo ? 2 : 1);
  if (isHi) return equal(ans, hi as Arg);
  return hi === null ? equal(ans, lo as Arg) : logicalAnd(equal(ans, lo as Arg), notEqual(ans, hi));
}

const clipPrim = definePrimitive<ClipParams>({
  name: "clip",
  impl: clipImpl,
  vjp: (g, ans, args, p, i) => unbroadcast(where(clipMask(ans, args, p, i), g, 0), args[i]),
  jvp: (t, ans, args, p, i) => fitTangent(where(clipMask(ans, args, p, i), t, 0), ans),
});

export interface ClipOptions {
  /** Lower bound (NumPy's a_min, or min); null or omitted for none. */
  aMin?: ArrayLike | null;
  /** Upper bound (NumPy's a_max, or max); null or omitted for none. */
  aMax?: ArrayLike | null;
  min?: ArrayLike | null;
  max?: ArrayLike | null;
}

function isOptions(v: unknown): v is ClipOptions {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/**
 * `np.clip(a, aMin, aMax)`: limits values to [aMin, aMax] (bounds broadcast; null for none),
 * as minimum(maximum(a, aMin), aMax), so aMin > aMax gives aMax. Also `np.clip(a, {min, max})`.
 * Differentiable in a and in array bounds.
 */
export function clip(a: ArrayLike, aMin?: ArrayLike | null | ClipOptions, aMax?: ArrayLike | null): Tensor {
  let lo: ArrayLike | null | undefined = aMin as ArrayLike | null | undefined;
  let hi = aMax;
  if (isOptions(aMin)) {
    if (aMin.aMin != null && aMin.min != null) throw new ArgumentError("clip: give the lower bound as aMin or min, not both");
    if (aMin.aMax != null && aMin.max != null) throw new ArgumentError("clip: give the upper bound as aMax or max, not both");
    lo = aMin.aMin ?? aMin.min;
    hi = aMin.aMax ?? aMin.max;
  }
  const x = toArg(a);
  const args: Arg[] = [x];
  if (lo != null) args.push(toArg(lo));
  if (hi != null) args.push(toArg(hi));
  // NumPy 2.1+ accepts no bounds at all and returns the values unchanged.
  if (args.length === 1) return typeof x === "number" ? toTensor(x) : x;
  return bind(clipPrim, args, { lo: lo != null, hi: hi != null });
}

interface NanToNumParams {
  nan: number;
  posinf: number | null;
  neginf: number | null;
}

function nanToNumImpl(x: Arg, p: NanToNumParams): Tensor {
  const dt = dtypeOf(x);
  if (!isFloat(dt)) return unaryKernel(x, dt, (v) => v);
  const big = dt === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const nan = p.nan;
  const pos = p.posinf ?? big;
  const neg = p.neginf ?? -big;
  return unaryKernel(x, dt, (v) => (v !== v ? nan : v === Infinity ? pos : v === -Infinity ? neg : v));
}

const nanToNumPrim = definePrimitive<NanToNumParams>({
  name: "nan_to_num",
  impl: (args, p) => nanToNumImpl(args[0], p),
  impl1: nanToNumImpl,
  // Replaced values are constants: the gradient passes only where x is finite.
  vjp: (g, _ans, args) => unbroadcast(where(isfinite(args[0]), g, 0), args[0]),
  jvp: (t, ans, args) => fitTangent(where(isfinite(args[0]), t, 0), ans),
});

export interface NanToNumOptions {
  /** Accepted for NumPy compatibility; chainrule never modifies its input. */
  copy?: boolean;
  /** Value for NaN (default 0). */
  nan?: number;
  /** Value for +inf (default the dtype's largest finite value). */
  posinf?: number | null;
  /** Value for -inf (default the dtype's most negative finite value). */
  neginf?: number | null;
}

/** `np.nanToNum(x, {nan, posinf, neginf})`: NaN and infinities replaced by finite numbers. */
export function nanToNum(x: ArrayLike, opts: NanToNumOptions = {}): Tensor {
  for (const k of ["nan", "posinf", "neginf"] as const) {
    const v = opts[k];
    if (v !== undefined && v !== null && typeof v !== "number")
      throw new ArgumentError(`nanToNum: ${k} must be a number, got ${typeof v}`);
  }
  return bind1(nanToNumPrim, toArg(x), { nan: opts.nan ?? 0, posinf: opts.posinf ?? null, neginf: opts.neginf ?? null });
}
