import { Tensor } from "../tensor/tensor.js";
import { normalizeAxis } from "../tensor/shape.js";
import { ArgumentError } from "../errors.js";

// NumPy reads pad_width, constant_values, end_values and stat_length as anything that
// broadcasts to shape (ndim, 2): one (before, after) pair per axis.

export type PairSpec<T> = T | readonly T[] | readonly (readonly T[])[] | Tensor | { readonly [axis: number]: T | readonly T[] };

function toNested(v: unknown): unknown {
  if (v instanceof Tensor) return v.toArray();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}

function pairOf<T>(v: unknown, op: string, what: string): [T, T] {
  const x = toNested(v);
  if (!Array.isArray(x)) return [x as T, x as T];
  if (x.length === 1) return [x[0] as T, x[0] as T];
  if (x.length === 2) return [x[0] as T, x[1] as T];
  throw new ArgumentError(`${op}: each ${what} entry must be a value or a (before, after) pair, got ${JSON.stringify(x)}`);
}

/**
 * One (before, after) pair per axis, broadcast as NumPy does: a value, a pair, one pair per
 * axis, or a `{axis: value | pair}` object (axes not named get `fallback`).
 */
export function pairsPerAxis<T>(spec: unknown, ndim: number, op: string, what: string, fallback: T): [T, T][] {
  const x = toNested(spec);
  if (typeof x === "object" && x !== null && !Array.isArray(x)) {
    const out: [T, T][] = Array.from({ length: ndim }, () => [fallback, fallback]);
    for (const [k, v] of Object.entries(x)) {
      const axis = Number(k);
      out[normalizeAxis(axis, ndim, op)] = pairOf<T>(v, op, what);
    }
    return out;
  }
  if (!Array.isArray(x) || x.length === 0 || !x.some(Array.isArray)) {
    if (Array.isArray(x) && x.length === 0) throw new ArgumentError(`${op}: ${what} is empty; give a value, a pair or one pair per axis`);
    const p = pairOf<T>(x, op, what);
    return Array.from({ length: ndim }, () => [p[0], p[1]]);
  }
  if (!x.every(Array.isArray)) throw new ArgumentError(`${op}: ${what} mixes values and pairs: ${JSON.stringify(x)}`);
  if (x.length === 1) {
    const p = pairOf<T>(x[0], op, what);
    return Array.from({ length: ndim }, () => [p[0], p[1]]);
  }
  if (x.length !== ndim)
    throw new ArgumentError(`${op}: ${what} has ${x.length} rows but the array has ${ndim} axes; give one (before, after) pair per axis`);
  return x.map((row) => pairOf<T>(row, op, what));
}

/** Validated pad widths: non-negative integers. */
export function padWidths(spec: unknown, ndim: number): [number, number][] {
  const w = pairsPerAxis<number>(spec, ndim, "pad", "pad_width", 0);
  for (const [b, a] of w)
    for (const v of [b, a])
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
        throw new ArgumentError(`pad: pad_width must hold non-negative integers, got ${JSON.stringify(toNested(spec))}`);
  return w;
}
