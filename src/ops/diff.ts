import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { floatResult, isFloat } from "../tensor/dtype.js";
import { normalizeAxes, normalizeAxis } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { toArg, toTensor } from "./args.js";
import { add, divide, equal, multiply, negative, subtract } from "./arith.js";
import { astype } from "./cast.js";
import { broadcastTo, reshape } from "./shape.js";
import { concatenate, sliceAxis } from "./join.js";
import { where } from "./where.js";
import { isOptions } from "./construct-opts.js";

// Finite differences: np.diff (n-th discrete difference) and np.gradient (second-order accurate
// central differences), composed from slices and arithmetic so they differentiate to any order.

export interface DiffOptions {
  n?: number;
  axis?: number;
  prepend?: ArrayLike;
  append?: ArrayLike;
}

/** A JS number joins an array the way NumPy's asanyarray(number) does: integers as int32, others as float64. */
function edgeValues(v: ArrayLike, x: Tensor, axis: number): Tensor {
  let t: Tensor;
  if (typeof v === "number") t = fromBuffer(Number.isInteger(v) ? Int32Array.of(v) : Float64Array.of(v), [], Number.isInteger(v) ? "int32" : "float64");
  else t = toTensor(toArg(v));
  if (t.ndim > 0) return t;
  const shape = x.shape.slice();
  shape[axis] = 1;
  return broadcastTo(t, shape);
}

/**
 * `np.diff(a, n = 1, axis = -1, {prepend, append})` (or `np.diff(a, {n, axis, prepend, append})`):
 * the n-th difference along an axis (for booleans, "not equal", as NumPy).
 */
export function diff(a: ArrayLike, n?: number | DiffOptions, axis?: number | DiffOptions): Tensor {
  const o: DiffOptions = isOptions(n) ? (n as DiffOptions) : isOptions(axis) ? { ...(axis as DiffOptions), n: n as number | undefined } : { n: n as number | undefined, axis: axis as number | undefined };
  const order = o.n ?? 1;
  if (!Number.isInteger(order) || order < 0) throw new ArgumentError(`diff: order n must be a non-negative integer, got ${order}`);
  let x = toTensor(toArg(a));
  if (x.ndim === 0) throw new ShapeError("diff: the input must be at least 1-d, got a 0-d array");
  const ax = normalizeAxis(o.axis ?? -1, x.ndim, "diff");
  if (order === 0) return x;
  if (o.prepend !== undefined || o.append !== undefined) {
    const parts: Tensor[] = [];
    if (o.prepend !== undefined) parts.push(edgeValues(o.prepend, x, ax));
    parts.push(x);
    if (o.append !== undefined) parts.push(edgeValues(o.append, x, ax));
    x = concatenate(parts, ax);
  }
  for (let k = 0; k < order; k++) {
    const len = x.shape[ax];
    if (len === 0) break;
    const hi = sliceAxis(x, ax, 1, len);
    const lo = sliceAxis(x, ax, 0, len - 1);
    x = x.dtype === "bool" ? where(equal(hi, lo), false, true) : subtract(hi, lo);
  }
  return x;
}

export interface GradientOptions {
  axis?: number | readonly number[] | null;
  edgeOrder?: number;
}

/** A 1-d tensor laid along `axis` (size 1 elsewhere), to broadcast against slices of an nd array. */
function along(v: Tensor, axis: number, ndim: number): Tensor {
  const shape = new Array<number>(ndim).fill(1);
  shape[axis] = v.size;
  return reshape(v, shape);
}

/** The derivative along one axis with uniform spacing h. */
function uniformGradient(f: Tensor, axis: number, h: number | Tensor, edgeOrder: number): Tensor {
  const n = f.shape[axis];
  const s = (i: number, j: number): Tensor => sliceAxis(f, axis, i, j);
  const lin = (terms: [number, Tensor][]): Tensor => terms.map(([c, t]) => multiply(t, c)).reduce((p, q) => add(p, q));
  const parts: Tensor[] = [];
  parts.push(
    edgeOrder === 1
      ? divide(subtract(s(1, 2), s(0, 1)), h)
      : divide(lin([[-1.5, s(0, 1)], [2, s(1, 2)], [-0.5, s(2, 3)]]), h),
  );
  if (n > 2) parts.push(divide(subtract(s(2, n), s(0, n - 2)), typeof h === "number" ? 2 * h : multiply(h, 2)));
  parts.push(
    edgeOrder === 1
      ? divide(subtract(s(n - 1, n), s(n - 2, n - 1)), h)
      : divide(lin([[0.5, s(n - 3, n - 2)], [-2, s(n - 2, n - 1)], [1.5, s(n - 1, n)]]), h),
  );
  return concatenate(parts, axis);
}

/**
 * The derivative along one axis at sample coordinates x (1-d, one per point): the second-order
 * formula of the quadratic through three neighbouring points, so uneven spacing stays exact
 * for quadratics.
 */
function coordinateGradient(f: Tensor, axis: number, x: Tensor, edgeOrder: number): Tensor {
  const n = f.shape[axis];
  const nd = f.ndim;
  const s = (i: number, j: number): Tensor => sliceAxis(f, axis, i, j);
  const dx = subtract(sliceAxis(x, 0, 1, n), sliceAxis(x, 0, 0, n - 1));
  const d = (i: number, j: number): Tensor => along(sliceAxis(dx, 0, i, j), axis, nd);
  const parts: Tensor[] = [];
  if (edgeOrder === 1) parts.push(divide(subtract(s(1, 2), s(0, 1)), d(0, 1)));
  else {
    const [d1, d2] = [d(0, 1), d(1, 2)];
    const d12 = add(d1, d2);
    const a = negative(divide(add(multiply(d1, 2), d2), multiply(d1, d12)));
    const b = divide(d12, multiply(d1, d2));
    const c = negative(divide(d1, multiply(d2, d12)));
    parts.push(add(add(multiply(a, s(0, 1)), multiply(b, s(1, 2))), multiply(c, s(2, 3))));
  }
  if (n > 2) {
    const [d1, d2] = [d(0, n - 2), d(1, n - 1)];
    const d12 = add(d1, d2);
    const a = negative(divide(d2, multiply(d1, d12)));
    const b = divide(subtract(d2, d1), multiply(d1, d2));
    const c = divide(d1, multiply(d2, d12));
    parts.push(add(add(multiply(a, s(0, n - 2)), multiply(b, s(1, n - 1))), multiply(c, s(2, n))));
  }
  if (edgeOrder === 1) parts.push(divide(subtract(s(n - 1, n), s(n - 2, n - 1)), d(n - 2, n - 1)));
  else {
    const [d1, d2] = [d(n - 3, n - 2), d(n - 2, n - 1)];
    const d12 = add(d1, d2);
    const a = divide(d2, multiply(d1, d12));
    const b = negative(divide(d12, multiply(d1, d2)));
    const c = divide(add(multiply(d2, 2), d1), multiply(d2, d12));
    parts.push(add(add(multiply(a, s(n - 3, n - 2)), multiply(b, s(n - 2, n - 1))), multiply(c, s(n - 1, n))));
  }
  return concatenate(parts, axis);
}

/**
 * `np.gradient(f, ...spacing, {axis, edgeOrder})`: central differences inside, one-sided
 * differences of order `edgeOrder` (1 or 2) at the ends. Spacing: none (1), one scalar for every
 * axis, or one per axis, each a scalar or the 1-d sample coordinates. One axis gives a tensor,
 * several give a list, as NumPy.
 */
export function gradient(f: ArrayLike, ...rest: (ArrayLike | GradientOptions)[]): Tensor | Tensor[] {
  const o: GradientOptions = rest.length > 0 && isOptions(rest[rest.length - 1]) ? (rest.pop() as GradientOptions) : {};
  const spacing = rest as ArrayLike[];
  let x = toTensor(toArg(f));
  const axes =
    o.axis === null || o.axis === undefined
      ? Array.from({ length: x.ndim }, (_, i) => i)
      : typeof o.axis === "number"
        ? [normalizeAxis(o.axis, x.ndim, "gradient")]
        : normalizeAxesInOrder(o.axis, x.ndim);
  const edgeOrder = o.edgeOrder ?? 1;
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new ArgumentError(`gradient: edgeOrder must be 1 or 2, got ${edgeOrder}`);
  const steps: (number | Tensor)[] = [];
  const scalarSpacing = (v: ArrayLike): number | Tensor | null => {
    if (typeof v === "number") return v;
    const t = toTensor(toArg(v));
    return t.ndim === 0 ? t : null;
  };
  if (spacing.length === 0) axes.forEach(() => steps.push(1));
  else if (spacing.length === 1 && scalarSpacing(spacing[0]) !== null) axes.forEach(() => steps.push(scalarSpacing(spacing[0])!));
  else if (spacing.length === axes.length) spacing.forEach((v) => steps.push(scalarSpacing(v) ?? toTensor(toArg(v))));
  else
    throw new ArgumentError(
      `gradient: got ${spacing.length} spacings for ${axes.length} axes; give none, one scalar, or one scalar or coordinate array per axis`,
    );
  const out = floatResult(x.dtype);
  if (!isFloat(x.dtype)) x = astype(x, out);
  const results = axes.map((ax, i) => {
    const n = x.shape[ax];
    if (n < edgeOrder + 1)
      throw new ShapeError(
        `gradient: axis ${ax} of shape ${fmtShape(x.shape)} is too short; edgeOrder ${edgeOrder} needs at least ${edgeOrder + 1} points`,
      );
    const h = steps[i];
    let g: Tensor;
    if (typeof h === "number" || h.ndim === 0) g = uniformGradient(x, ax, h, edgeOrder);
    else {
      if (h.ndim !== 1 || h.size !== n)
        throw new ShapeError(`gradient: coordinates for axis ${ax} must be 1-d of length ${n}, got shape ${fmtShape(h.shape)}`);
      g = coordinateGradient(x, ax, h, edgeOrder);
    }
    return g.dtype === out ? g : astype(g, out);
  });
  return results.length === 1 ? results[0] : results;
}

/** Axes in the order given (NumPy returns one result per axis, in that order), negatives resolved. */
function normalizeAxesInOrder(axis: readonly number[], ndim: number): number[] {
  normalizeAxes(axis, ndim, "gradient");
  return axis.map((a) => normalizeAxis(a, ndim, "gradient"));
}
