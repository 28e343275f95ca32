import { ShapeError, fmtShape } from "../errors.js";

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; `op` names the operation in the error. */
export function broadcastShapes(a: readonly number[], b: readonly number[], op = "broadcast"): number[] {
  if (shapesEqual(a, b)) return a as number[];
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else
      throw new ShapeError(
        `${op}: operands could not be broadcast together with shapes ${fmtShape(a)} ${fmtShape(b)} ` +
          `(axis ${i - n} has sizes ${da} and ${db}; sizes must be equal or 1)`,
      );
  }
  return out;
}

export function broadcastShapesN(shapes: readonly (readonly number[])[], op = "broadcast"): number[] {
  let out: number[] = [];
  for (const s of shapes) out = broadcastShapes(out, s, op);
  return out;
}

/** Normalizes a possibly negative axis, with a clear error for out-of-range values. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (!Number.isInteger(axis)) throw new ShapeError(`${op}: axis must be an integer, got ${axis}`);
  if (axis < -ndim || axis >= ndim)
    throw new ShapeError(`${op}: axis ${axis} is out of bounds for an array of dimension ${ndim}`);
  return axis < 0 ? axis + ndim : axis;
}

/** Axis argument (null = all, number, or list) to a sorted list of distinct non-negative axes. */
export function normalizeAxes(axis: number | readonly number[] | null | undefined, ndim: number, op: string): number[] {
  if (axis === null || axis === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : Array.from(axis);
  const out = list.map((a) => normalizeAxis(a, ndim, op));
  const seen = new Set<number>();
  for (const a of out) {
    if (seen.has(a)) throw new ShapeError(`${op}: repeated axis ${a} in ${JSON.stringify(list)}`);
    seen.add(a);
  }
  return out.sort((x, y) => x - y);
}
