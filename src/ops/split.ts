import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { normalizeAxis } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Arg } from "../core/primitive.js";
import { shapeOf, toArg } from "./args.js";
import { sliceAxis } from "./join.js";

/**
 * A number of equal sections, or the points where a new piece starts (Python slice bounds), as a
 * list or a 1-d tensor.
 */
export type IndicesOrSections = number | readonly number[] | Tensor;

export interface SplitOptions {
  indicesOrSections?: IndicesOrSections;
  axis?: number;
}

/** The positional form `(spec, axis)` or NumPy's keywords in an options object, as `[spec, axis]`. */
function readSplitArgs(spec: IndicesOrSections | SplitOptions, axis: number | SplitOptions | undefined, op: string): [IndicesOrSections, number] {
  const isOpts = (v: unknown): v is SplitOptions => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor);
  const o: SplitOptions = { ...(isOpts(spec) ? spec : { indicesOrSections: spec }), ...(isOpts(axis) ? axis : axis === undefined ? {} : { axis }) };
  if (o.indicesOrSections === undefined) throw new ArgumentError(`${op}: missing indicesOrSections (a number of sections or a list of split points)`);
  return [o.indicesOrSections, o.axis ?? 0];
}

/** Piece boundaries [start, stop) along an axis of size `n`, from a section count. */
function sectionBounds(n: number, sections: number, equal: boolean, op: string, ax: number, shape: readonly number[]): [number, number][] {
  if (!Number.isInteger(sections) || sections <= 0)
    throw new ArgumentError(`${op}: the number of sections must be a positive integer, got ${sections}`);
  if (equal && n % sections !== 0)
    throw new ShapeError(
      `${op}: axis ${ax} of shape ${fmtShape(shape)} (size ${n}) does not divide into ${sections} equal sections; ` +
        "use arraySplit for unequal sections, or give the split points",
    );
  const q = Math.floor(n / sections);
  const r = n % sections;
  const out: [number, number][] = [];
  let s = 0;
  for (let k = 0; k < sections; k++) {
    const len = k < r ? q + 1 : q;
    out.push([s, s + len]);
    s += len;
  }
  return out;
}

/**
 * Piece boundaries from split points, read as Python slices `x[p[k-1]:p[k]]`: negative points
 * count from the end, points past the end clamp, and a point below its predecessor gives an
 * empty piece (NumPy does exactly this).
 */
function pointBounds(n: number, points: readonly number[], op: string): [number, number][] {
  const clamp = (p: number): number => {
    if (!Number.isInteger(p)) throw new ArgumentError(`${op}: split points must be integers, got ${p}`);
    return p < 0 ? Math.max(0, p + n) : Math.min(p, n);
  };
  const out: [number, number][] = [];
  let prev = 0;
  for (const p of points) {
    const c = clamp(p);
    out.push([prev, Math.max(prev, c)]);
    prev = c;
  }
  out.push([prev, n]);
  return out;
}

function splitAlong(x: ArrayLike, spec: IndicesOrSections, axis: number, equal: boolean, op: string): Tensor[] {
  const a = toArg(x);
  const shape = shapeOf(a);
  const ax = normalizeAxis(axis, shape.length, op);
  const n = shape[ax];
  let bounds: [number, number][];
  if (typeof spec === "number") bounds = sectionBounds(n, spec, equal, op, ax, shape);
  else if (Array.isArray(spec)) bounds = pointBounds(n, spec, op);
  else if (spec instanceof Tensor && spec.ndim === 0) bounds = sectionBounds(n, spec.item(), equal, op, ax, shape);
  else if (spec instanceof Tensor && spec.ndim === 1) bounds = pointBounds(n, Array.from(spec.toTypedArray()), op);
  else throw new ArgumentError(`${op}: indicesOrSections must be a number of sections, or a list or 1-d tensor of split points`);
  return bounds.map(([s, e]) => sliceAxis(a, ax, s, e));
}

/** `np.split(x, indicesOrSections, axis = 0)`: views; a section count must divide the axis evenly. */
export function split(x: ArrayLike, indicesOrSections: IndicesOrSections | SplitOptions, axis?: number | SplitOptions): Tensor[] {
  const [spec, ax] = readSplitArgs(indicesOrSections, axis, "split");
  return splitAlong(x, spec, ax, true, "split");
}

/** `np.arraySplit(x, indicesOrSections, axis = 0)`: like split, but n sections of an axis of size L give L % n pieces one longer. */
export function arraySplit(x: ArrayLike, indicesOrSections: IndicesOrSections | SplitOptions, axis?: number | SplitOptions): Tensor[] {
  const [spec, ax] = readSplitArgs(indicesOrSections, axis, "arraySplit");
  return splitAlong(x, spec, ax, false, "arraySplit");
}

function needDims(a: Arg, min: number, op: string): void {
  const shape = shapeOf(a);
  if (shape.length < min) throw new ShapeError(`${op}: only works on arrays of ${min} or more dimensions, got shape ${fmtShape(shape)}`);
}

/** `np.hsplit(x, indicesOrSections)`: splits columns (axis 1), or axis 0 of a 1-d array. */
export function hsplit(x: ArrayLike, indicesOrSections: IndicesOrSections | SplitOptions): Tensor[] {
  const [spec] = readSplitArgs(indicesOrSections, undefined, "hsplit");
  const a = toArg(x);
  needDims(a, 1, "hsplit");
  return splitAlong(a, spec, shapeOf(a).length > 1 ? 1 : 0, true, "hsplit");
}

/** `np.vsplit(x, indicesOrSections)`: splits rows (axis 0) of an array of 2 or more dimensions. */
export function vsplit(x: ArrayLike, indicesOrSections: IndicesOrSections | SplitOptions): Tensor[] {
  const [spec] = readSplitArgs(indicesOrSections, undefined, "vsplit");
  const a = toArg(x);
  needDims(a, 2, "vsplit");
  return splitAlong(a, spec, 0, true, "vsplit");
}

/** `np.dsplit(x, indicesOrSections)`: splits along depth (axis 2) of an array of 3 or more dimensions. */
export function dsplit(x: ArrayLike, indicesOrSections: IndicesOrSections | SplitOptions): Tensor[] {
  const [spec] = readSplitArgs(indicesOrSections, undefined, "dsplit");
  const a = toArg(x);
  needDims(a, 3, "dsplit");
  return splitAlong(a, spec, 2, true, "dsplit");
}
