// Log-spaced samples, composed from linspace and power: differentiable in start and stop (and
// in logspace's base) with no rules of their own.
import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray } from "../tensor/dtype.js";
import { broadcastShapes, normalizeAxis } from "../tensor/shape.js";
import { ArgumentError } from "../errors.js";
import { resultDtype, toArg, toTensor } from "../ops/args.js";
import { linspace } from "../ops/create-range.js";
import { readDtype } from "../ops/fill.js";
import { divide, multiply, power } from "../ops/arith.js";
import { log10 } from "../ops/unary.js";
import { astype } from "../ops/cast.js";
import { broadcastTo, expandDims, moveaxis } from "../ops/shape.js";
import { concatenate, sliceAxis } from "../ops/join.js";

export interface LogspaceOptions {
  num?: number;
  endpoint?: boolean;
  /** The base of the exponents (default 10); an array base broadcasts like start and stop. */
  base?: ArrayLike;
  dtype?: DType;
  axis?: number;
}

function readOptions<O extends { num?: number }>(num: number | O | undefined, opts: O): O {
  return typeof num === "object" && num !== null ? { ...opts, ...num } : { ...opts, num: num ?? opts.num };
}

/** `np.logspace(start, stop, num = 50, {endpoint, base = 10, dtype, axis})`: `base ** linspace(start, stop)`. */
export function logspace(start: ArrayLike, stop: ArrayLike, num?: number | LogspaceOptions, opts: LogspaceOptions = {}): Tensor {
  const o = readOptions(num, opts);
  const dt = readDtype(o.dtype, "logspace");
  const axis = o.axis ?? 0;
  const y = linspace(start, stop, o.num ?? 50, { endpoint: o.endpoint ?? true, axis });
  const b0 = o.base ?? 10;
  const b = typeof b0 === "number" ? b0 : toTensor(toArg(b0));
  const base = typeof b === "number" || b.ndim === 0 ? b : expandDims(b, axis);
  const r = power(base, y);
  return dt === undefined ? r : astype(r, dt);
}

export interface GeomspaceOptions {
  num?: number;
  endpoint?: boolean;
  dtype?: DType;
  axis?: number;
}

/** ±1 with the sign of each value of `t` (constant: the sign never moves under a derivative). */
function signOf(t: Tensor, dt: DType): Tensor {
  const vals = t.concrete().contiguousData(false);
  const out = allocArray(dt, vals.length);
  for (let i = 0; i < vals.length; i++) {
    if (vals[i] === 0) throw new ArgumentError("geomspace: a geometric sequence cannot include zero; start and stop must be nonzero");
    out[i] = vals[i] < 0 ? -1 : 1;
  }
  return fromBuffer(out, t.shape.slice(), dt);
}

/**
 * `np.geomspace(start, stop, num = 50, {endpoint, dtype, axis})`: samples evenly spaced on a log
 * scale, each a constant ratio from the last. Negative ends keep their sign (both must share it);
 * the first and last samples are exactly start and stop, as in NumPy.
 */
export function geomspace(start: ArrayLike, stop: ArrayLike, num?: number | GeomspaceOptions, opts: GeomspaceOptions = {}): Tensor {
  const o = readOptions(num, opts);
  const n = o.num ?? 50;
  const endpoint = o.endpoint ?? true;
  const dt = readDtype(o.dtype, "geomspace");
  const a = toTensor(toArg(start));
  const b = toTensor(toArg(stop));
  const shape = broadcastShapes(a.shape, b.shape, "geomspace");
  const axis = normalizeAxis(o.axis ?? 0, shape.length + 1, "geomspace");
  const calc: DType = resultDtype(a, b) === "float32" ? "float32" : "float64";
  const sign = signOf(a, calc);
  signOf(b, calc);
  const lo = divide(a, sign);
  const hi = divide(b, sign);
  let r = power(10, linspace(log10(lo), log10(hi), n, { endpoint }));
  if (r.dtype !== calc) r = astype(r, calc);
  // 10 ** log10(x) need not give x back: pin the ends to the exact values.
  if (n > 0) {
    const parts: Tensor[] = [expandDims(broadcastTo(astype(lo, calc), shape), 0)];
    const last = endpoint && n > 1 ? n - 1 : n;
    if (last > 1) parts.push(sliceAxis(r, 0, 1, last));
    if (last < n) parts.push(expandDims(broadcastTo(astype(hi, calc), shape), 0));
    r = concatenate(parts, 0);
  }
  r = multiply(r, sign);
  if (axis !== 0) r = moveaxis(r, 0, axis);
  return dt === undefined ? r : astype(r, dt);
}
