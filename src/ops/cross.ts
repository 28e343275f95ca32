import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { broadcastShapes, normalizeAxis } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { toArg, toTensor } from "./args.js";
import { multiply, subtract } from "./arith.js";
import { broadcastTo, reshape, transpose } from "./shape.js";
import { sliceAxis, stack } from "./join.js";

export interface CrossOptions {
  axisa?: number;
  axisb?: number;
  axisc?: number;
  /** Overrides axisa, axisb and axisc. */
  axis?: number;
}

/** Moves `axis` of `x` to the end (a view). */
function toLast(x: Tensor, axis: number): Tensor {
  if (axis === x.ndim - 1) return x;
  const perm: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (i !== axis) perm.push(i);
  perm.push(axis);
  return transpose(x, perm);
}

/** The vector components along the last axis, each broadcast to the common leading shape; a 2-vector gets z = 0. */
function components(x: Tensor, lead: number[]): (Tensor | 0)[] {
  const n = x.shape[x.ndim - 1];
  const out: (Tensor | 0)[] = [];
  for (let i = 0; i < 3; i++) {
    if (i >= n) out.push(0);
    else out.push(broadcastTo(reshape(sliceAxis(x, -1, i, i + 1), x.shape.slice(0, -1)), lead));
  }
  return out;
}

function mul(a: Tensor | 0, b: Tensor | 0): Tensor | 0 {
  return a === 0 || b === 0 ? 0 : multiply(a, b);
}

function sub(a: Tensor | 0, b: Tensor | 0, like: Tensor): Tensor {
  if (a === 0 && b === 0) return multiply(like, 0);
  if (b === 0) return a as Tensor;
  if (a === 0) return multiply(b, -1);
  return subtract(a, b);
}

/**
 * `np.cross(a, b, {axisa, axisb, axisc, axis})`: cross products of 3-vectors (or 2-vectors, taken
 * with z = 0) along the given axes, broadcasting the others. Two 2-vectors give the scalar z
 * component; otherwise the vector axis of the result is `axisc`.
 */
export function cross(a: ArrayLike, b: ArrayLike, opts: CrossOptions = {}): Tensor {
  const x0 = toTensor(toArg(a));
  const y0 = toTensor(toArg(b));
  const axa = opts.axis ?? opts.axisa ?? -1;
  const axb = opts.axis ?? opts.axisb ?? -1;
  const axc = opts.axis ?? opts.axisc ?? -1;
  if (x0.ndim === 0 || y0.ndim === 0) throw new ShapeError("cross: operands must be at least 1-d vectors");
  const x = toLast(x0, normalizeAxis(axa, x0.ndim, "cross (axisa)"));
  const y = toLast(y0, normalizeAxis(axb, y0.ndim, "cross (axisb)"));
  const nx = x.shape[x.ndim - 1];
  const ny = y.shape[y.ndim - 1];
  if ((nx !== 2 && nx !== 3) || (ny !== 2 && ny !== 3))
    throw new ShapeError(
      `cross: incompatible dimensions for cross product: the vector axes have sizes ${nx} and ${ny} (shapes ${fmtShape(x0.shape)}, ${fmtShape(y0.shape)}); each must be 2 or 3`,
    );
  const lead = broadcastShapes(x.shape.slice(0, -1), y.shape.slice(0, -1), "cross");
  const [a0, a1, a2] = components(x, lead);
  const [b0, b1, b2] = components(y, lead);
  const like = a0 as Tensor;
  const z = sub(mul(a0, b1), mul(a1, b0), like);
  if (nx === 2 && ny === 2) return z;
  const c = stack([sub(mul(a1, b2), mul(a2, b1), like), sub(mul(a2, b0), mul(a0, b2), like), z], -1);
  const ac = normalizeAxis(axc, c.ndim, "cross (axisc)");
  if (ac === c.ndim - 1) return c;
  const perm: number[] = [];
  for (let i = 0; i < c.ndim - 1; i++) perm.push(i);
  perm.splice(ac, 0, c.ndim - 1);
  return transpose(c, perm);
}
