// Unfolded columns kept from a convolution's forward pass for its weight gradient, which needs
// exactly the same im2col of the same input: in training that halves the unfolding work. Only
// small unfoldings are kept, and only for the few most recent inputs, so the memory held is
// bounded (MAX_ENTRIES x MAX_ELEMENTS) whatever the caller keeps alive.
import type { TypedArray } from "../tensor/dtype.js";
import type { ConvGeom, View4 } from "./im2col.js";

/** Largest unfolding kept (elements: 4 MB of float32, 8 MB of float64). */
export const MAX_ELEMENTS = 1 << 20;
const MAX_ENTRIES = 4;

interface Entry {
  key: string;
  col: TypedArray;
}

// Keyed by the input's storage (weakly, so an entry dies with it) and checked against the view
// and geometry, since one buffer can back several views.
const byStorage = new WeakMap<object, Entry>();
const recent: WeakRef<object>[] = [];

function keyOf(x: View4, geo: ConvGeom, col: TypedArray): string {
  const g = geo;
  return [col.constructor.name, x.offset, x.s0, x.s1, x.s2, x.s3, g.N, g.C, g.H, g.W, g.O, g.G, g.KH, g.KW, g.OH, g.OW, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilH, g.dilW].join(",");
}

/** Records the columns of every group of input `x` (layout: group after group). */
export function rememberColumns(x: View4, geo: ConvGeom, col: TypedArray): void {
  byStorage.set(x.data, { key: keyOf(x, geo, col), col });
  recent.push(new WeakRef(x.data));
  if (recent.length > MAX_ENTRIES) {
    const old = (recent.shift() as WeakRef<object>).deref();
    if (old !== undefined && !recent.some((r) => r.deref() === old)) byStorage.delete(old);
  }
}

/** The columns recorded for this input and geometry in element type `like`, or null. */
export function recallColumns(x: View4, geo: ConvGeom, like: TypedArray): TypedArray | null {
  const e = byStorage.get(x.data);
  if (e === undefined || e.col.constructor !== like.constructor || e.key !== keyOf(x, geo, e.col)) return null;
  return e.col;
}
