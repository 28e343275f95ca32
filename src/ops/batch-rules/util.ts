import { Tensor } from "../../tensor/tensor.js";
import { Arg } from "../../core/primitive.js";
import { shapeOf } from "../args.js";
import { broadcastTo, moveaxis, reshape } from "../shape.js";

// Helpers shared by the batching rules. A batched value has one axis more than the per-example
// value the primitive's params describe; most rules either move that axis to the front and
// shift the params by one, or leave it in place and map each per-example axis around it.

/** The per-example axis `a` as an axis of the batched value whose batch axis is `d`. */
export function around(a: number, d: number): number {
  return a < d ? a : a + 1;
}

/** `x` with its batch axis `d` moved to the front (a view; no-op when already there). */
export function toFront(x: Tensor, d: number): Tensor {
  return d === 0 ? x : moveaxis(x, d, 0);
}

/**
 * `x` batched along axis 0 with `size` elements: a batched value's axis moved to the front, an
 * unbatched one broadcast (a stride-0 view, no copy).
 */
export function materialize(x: Arg, d: number | null, size: number): Tensor {
  if (d !== null) return toFront(x as Tensor, d);
  const shape = shapeOf(x);
  return broadcastTo(reshape(x, [1, ...shape]), [size, ...shape]);
}

/** A front-batched `x` of per-example rank `rank`, given leading 1s up to per-example rank `to`. */
export function padRank(x: Tensor, rank: number, to: number): Tensor {
  if (rank === to) return x;
  const shape = x.shape.slice();
  shape.splice(1, 0, ...new Array<number>(to - rank).fill(1));
  return reshape(x, shape);
}

/** The per-example rank of an argument. */
export function rankOf(x: Arg, d: number | null): number {
  const r = shapeOf(x).length;
  return d === null ? r : r - 1;
}

/** The first batched argument's index. */
export function firstBatched(dims: readonly (number | null)[]): number {
  for (let i = 0; i < dims.length; i++) if (dims[i] !== null) return i;
  throw new Error("internal: a batching rule ran with no batched argument");
}
