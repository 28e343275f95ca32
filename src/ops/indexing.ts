import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { shapeSize, broadcastShapes, shapesEqual } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { IndexKey, IndexPlan, planIndex } from "./index-key.js";
import { indexView, unindexView } from "./index-view.js";
import { gather, scatterAdd } from "./index-gather.js";
import { astype } from "./cast.js";
import { broadcastTo, reshape } from "./shape.js";
import { where } from "./where.js";
import { add, multiply } from "./arith.js";
import { full } from "./fill.js";

export type { IndexKey, NestedIndex } from "./index-key.js";

function applyPlan(x: Tensor, plan: IndexPlan): Tensor {
  let y = plan.view !== null ? indexView(x, plan.view) : x;
  if (plan.gather !== null) y = gather(y, plan.gather);
  return y;
}

/**
 * `x[keys]` with NumPy's rules: basic keys give a view (no copy), arrays and masks gather.
 * Differentiable: the VJP places the cotangent back (repeated indices accumulate).
 */
export function getItem(x: Tensor, keys: readonly IndexKey[], op = "get"): Tensor {
  if (keys.length === 0) return x;
  return applyPlan(x, planIndex(x.shape, keys, op));
}

/** The transpose of indexing: zeros of the indexed array's shape with `u` added where `x[keys]` reads. */
function placeBack(u: Tensor, plan: IndexPlan): Tensor {
  let r = u;
  if (plan.gather !== null) r = scatterAdd(r, plan.gather);
  if (plan.view !== null) r = unindexView(r, plan.view);
  return r;
}

/** Which positions of x (flat, C order) an index reads, and how often each is hit. */
interface Hits {
  /** Per indexed element: how many earlier elements hit the same position. */
  rank: Int32Array;
  maxRank: number;
  /** Per indexed element: no later element hits its position (the write that wins in `set`). */
  last: Uint8Array;
  /** Per position of x: hit at least once. */
  touched: Uint8Array;
}

function hits(shape: readonly number[], plan: IndexPlan): Hits {
  const n = shapeSize(shape);
  if (plan.gather === null) {
    // Basic indexing never reads a position twice.
    const m = shapeSize(plan.outShape);
    const touched = placeBack(full(plan.outShape, true), plan).contiguousData(true) as Uint8Array;
    return { rank: new Int32Array(m), maxRank: 0, last: new Uint8Array(m).fill(1), touched };
  }
  const ar = new Int32Array(Math.max(n, 1));
  for (let i = 0; i < n; i++) ar[i] = i;
  const pos = applyPlan(fromBuffer(ar, shape.slice(), "int32"), plan).contiguousData(false);
  const count = new Int32Array(Math.max(n, 1));
  const rank = new Int32Array(pos.length);
  let maxRank = 0;
  for (let e = 0; e < pos.length; e++) {
    const r = count[pos[e]]++;
    rank[e] = r;
    if (r > maxRank) maxRank = r;
  }
  const last = new Uint8Array(pos.length);
  for (let e = 0; e < pos.length; e++) last[e] = rank[e] === count[pos[e]] - 1 ? 1 : 0;
  const touched = new Uint8Array(Math.max(n, 1));
  for (let i = 0; i < n; i++) touched[i] = count[i] > 0 ? 1 : 0;
  return { rank, maxRank, last, touched };
}

function boolTensor(data: Uint8Array, shape: readonly number[]): Tensor {
  return fromBuffer(data, shape.slice(), "bool");
}

/**
 * The value of an update, cast to x's dtype (as NumPy's assignment casts) and broadcast to the
 * indexed shape. Leading size-1 axes beyond that shape are dropped, as NumPy allows.
 */
function prepareValue(v: ArrayLike, x: Tensor, shape: readonly number[], op: string): Tensor {
  let a = toTensor(toArg(v));
  let vs = shapeOf(a);
  while (vs.length > shape.length && vs[0] === 1) vs = vs.slice(1);
  let ok = vs.length <= shape.length;
  if (ok) {
    try {
      ok = shapesEqual(broadcastShapes(vs, shape), shape);
    } catch {
      ok = false;
    }
  }
  if (!ok)
    throw new ShapeError(`${op}: could not broadcast a value of shape ${fmtShape(shapeOf(a))} into the indexed shape ${fmtShape(shape)}`);
  if (vs.length !== a.ndim) a = reshape(a, vs);
  return broadcastTo(astype(a, x.dtype), shape);
}

/**
 * `x.at(...keys)`: functional updates of the positions `x.get(...keys)` reads. Each returns a new
 * tensor and is differentiable in x and in the value.
 */
export class IndexUpdate {
  private readonly x: Tensor;
  private readonly keys: readonly IndexKey[];
  private readonly op: string;
  /** `op` names the operation in errors (`putAlongAxis` builds on this class). */
  constructor(x: Tensor, keys: readonly IndexKey[], op = "at") {
    this.x = x;
    this.keys = keys;
    this.op = op;
  }

  /** The indexed values, as `x.get(...keys)`. */
  get(): Tensor {
    return getItem(this.x, this.keys, this.op);
  }

  /** x with the indexed positions replaced by `v`; for repeated indices the last write wins, as in NumPy. */
  set(v: ArrayLike): Tensor {
    const x = this.x;
    const plan = planIndex(x.shape, this.keys, this.op);
    const vb = prepareValue(v, x, plan.outShape, `${this.op}(...).set`);
    const h = hits(x.shape, plan);
    // Overwritten writes contribute nothing, so they get no gradient either.
    const u = h.maxRank > 0 ? where(boolTensor(h.last, plan.outShape), vb, full(plan.outShape, 0, x.dtype)) : vb;
    return where(boolTensor(h.touched, x.shape), placeBack(u, plan), x);
  }

  /** x with `v` added at the indexed positions; repeated indices add repeatedly (NumPy's `np.add.at`). */
  add(v: ArrayLike): Tensor {
    const x = this.x;
    const plan = planIndex(x.shape, this.keys, this.op);
    const s = placeBack(prepareValue(v, x, plan.outShape, `${this.op}(...).add`), plan);
    // Bool addition is logical or.
    return x.dtype === "bool" ? where(s, s, x) : add(x, s);
  }

  /** x with the indexed positions multiplied by `v`; repeated indices multiply repeatedly (`np.multiply.at`). */
  mul(v: ArrayLike): Tensor {
    const x = this.x;
    const plan = planIndex(x.shape, this.keys, this.op);
    const vb = prepareValue(v, x, plan.outShape, `${this.op}(...).mul`);
    const h = hits(x.shape, plan);
    const one = full(x.shape, 1, x.dtype);
    let out = x;
    // One factor per round of repeats: within a round every position is hit at most once, so
    // placing the values back is exact (no 1 + (v - 1) rounding) and the product rule gives
    // each value the gradient of the product of the others.
    for (let k = 0; k <= h.maxRank; k++) {
      let u = vb;
      let hit = full(plan.outShape, true);
      if (h.maxRank > 0) {
        const inRound = new Uint8Array(h.rank.length);
        for (let e = 0; e < inRound.length; e++) inRound[e] = h.rank[e] === k ? 1 : 0;
        hit = boolTensor(inRound, plan.outShape);
        u = where(hit, vb, full(plan.outShape, 0, x.dtype));
      }
      out = multiply(out, where(placeBack(hit, plan), placeBack(u, plan), one));
    }
    return out;
  }
}
