// Unfolded columns kept from a convolution's forward pass for its weight gradient, which needs
// exactly the same im2col of the same input: in training that halves the unfolding work. Only
// small unfoldings are kept, and only for the few most recent inputs, so the memory held is
// bounded (MAX_ENTRIES x MAX_ELEMENTS) whatever the caller keeps alive; as many retired buffers
// again wait in `spares` to be refilled by the next forward pass of the same geometry.
//
// No WeakRef anywhere: a WeakRef keeps its target alive until the current job ends, and a
// synchronous training loop is one job, so one WeakRef per step to each input's storage held
// every step's activations until the loop returned (measured: +0.35 MB per step of a small
// CNN, 186 MB after 500 steps). Entries live in a WeakMap (which never keeps its keys alive)
// and are tracked for eviction by the entry objects themselves.
import type { TypedArray } from "../tensor/dtype.js";
import type { ConvGeom, View4 } from "./im2col.js";

/** Largest unfolding kept (elements: 4 MB of float32, 8 MB of float64). */
export const MAX_ELEMENTS = 1 << 20;
const MAX_ENTRIES = 4;

interface Entry {
  key: string;
  /** The columns; null once the entry was evicted or replaced (its buffer then went to spares). */
  col: TypedArray | null;
}

// Keyed by the input's storage (weakly, so an entry dies with it) and checked against the view
// and geometry, since one buffer can back several views.
const byStorage = new WeakMap<object, Entry>();

/** The live entries, oldest first: the first to be evicted when there are too many. */
const recent: Entry[] = [];

/**
 * An entry whose input storage was garbage collected hands its columns back (in an event-loop
 * driven training loop this runs between steps, before the next forward pass asks for a buffer).
 */
const onCollected: FinalizationRegistry<Entry> | null =
  typeof FinalizationRegistry === "function" ? new FinalizationRegistry<Entry>((e) => evict(e)) : null;

function keyOf(x: View4, geo: ConvGeom, col: TypedArray): string {
  const g = geo;
  return [col.constructor.name, x.offset, x.s0, x.s1, x.s2, x.s3, g.N, g.C, g.H, g.W, g.O, g.G, g.KH, g.KW, g.OH, g.OW, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilH, g.dilW].join(",");
}

/**
 * Buffers of entries that were replaced or evicted, handed back by `spareColumns` so the next
 * forward pass refills warm memory instead of faulting in megabytes of fresh pages each step.
 */
const spares: TypedArray[] = [];

function retire(col: TypedArray): void {
  if (spares.length >= MAX_ENTRIES) spares.shift();
  spares.push(col);
}

/** Retires an entry's columns and forgets it (a no-op for an entry already evicted). */
function evict(e: Entry): void {
  if (e.col === null) return;
  retire(e.col);
  e.col = null;
  onCollected?.unregister(e);
  const at = recent.indexOf(e);
  if (at >= 0) recent.splice(at, 1);
}

/** A retired buffer of exactly `n` elements of `like`'s type (contents arbitrary), or null. */
export function spareColumns(like: TypedArray, n: number): TypedArray | null {
  for (let i = spares.length - 1; i >= 0; i--) {
    const s = spares[i];
    if (s.length === n && s.constructor === like.constructor) {
      spares.splice(i, 1);
      return s;
    }
  }
  return null;
}

/** Records the columns of every group of input `x` (layout: group after group). */
export function rememberColumns(x: View4, geo: ConvGeom, col: TypedArray): void {
  const storage = x.data;
  const old = byStorage.get(storage);
  // One entry per storage: the newer columns replace the older ones, whose buffer is reused.
  if (old !== undefined && old.col !== col) evict(old);
  else if (old !== undefined) {
    onCollected?.unregister(old);
    recent.splice(recent.indexOf(old), 1);
  }
  const e: Entry = { key: keyOf(x, geo, col), col };
  byStorage.set(storage, e);
  recent.push(e);
  // The entry is its own unregister token: an evicted entry leaves the registry at once.
  onCollected?.register(storage, e, e);
  while (recent.length > MAX_ENTRIES) evict(recent[0]);
}

/** The columns recorded for this input and geometry in element type `like`, or null. */
export function recallColumns(x: View4, geo: ConvGeom, like: TypedArray): TypedArray | null {
  const e = byStorage.get(x.data);
  if (e === undefined || e.col === null || e.col.constructor !== like.constructor || e.key !== keyOf(x, geo, e.col)) return null;
  return e.col;
}

/**
 * Forgets the columns kept for `storage`, whose contents are about to change: jit rewrites the
 * buffers it owns on every call, and a kept unfolding of last call's values would be stale.
 */
export function forgetColumns(storage: object): void {
  const e = byStorage.get(storage);
  if (e === undefined) return;
  evict(e);
  byStorage.delete(storage);
}
