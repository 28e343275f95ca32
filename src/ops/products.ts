import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { broadcastShapes, normalizeAxis } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { toArg, toTensor } from "./args.js";
import { multiply } from "./arith.js";
import { broadcastTo, reshape, transpose } from "./shape.js";
import { contract } from "./contract.js";

function sizeError(op: string, a: Tensor, axA: number, b: Tensor, axB: number): ShapeError {
  return new ShapeError(
    `${op}: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} not aligned: ` +
      `axis ${axA} of the first has size ${a.shape[axA]} but axis ${axB} of the second has size ${b.shape[axB]}`,
  );
}

/**
 * `np.dot(a, b)`: a product of scalars, the inner product of vectors, and otherwise the sum over
 * a's last axis and b's second-to-last (its only one when b is 1-D).
 */
export function dot(a: ArrayLike, b: ArrayLike): Tensor {
  const x = toArg(a);
  const y = toArg(b);
  if (typeof x === "number" || typeof y === "number" || x.ndim === 0 || y.ndim === 0) return multiply(x, y);
  const ax = x.ndim - 1;
  const by = y.ndim === 1 ? 0 : y.ndim - 2;
  if (x.shape[ax] !== y.shape[by]) throw sizeError("dot", x, ax, y, by);
  return contract(x, y, { lb: [], rb: [], lc: [ax], rc: [by] }, "dot");
}

/**
 * `np.matmul(a, b)` (`a @ b`): matrix products over the last two axes, broadcasting the leading
 * (batch) axes; a 1-D operand is a row (first) or column (second) vector whose axis is dropped.
 */
export function matmul(a: ArrayLike, b: ArrayLike): Tensor {
  const x = toTensor(toArg(a));
  const y = toTensor(toArg(b));
  for (const [t, i] of [[x, 0], [y, 1]] as const)
    if (t.ndim === 0)
      throw new ShapeError(`matmul: operand ${i} is 0-d (shape ()); matmul needs at least 1-d operands (use np.multiply for scalars)`);
  const kx = x.ndim - 1;
  const ky = y.ndim === 1 ? 0 : y.ndim - 2;
  if (x.shape[kx] !== y.shape[ky])
    throw new ShapeError(
      `matmul: core dimension mismatch: ${fmtShape(x.shape)} @ ${fmtShape(y.shape)} ` +
        `(the first operand's last axis has size ${x.shape[kx]}, the second's ${y.ndim === 1 ? "only" : "second-to-last"} axis has ${y.shape[ky]})`,
    );
  // A single matrix or vector on the right: a plain contraction, so a stack on the left
  // becomes one tall product (its leading axes merge with its rows).
  if (y.ndim <= 2) return contract(x, y, { lb: [], rb: [], lc: [kx], rc: [ky] }, "matmul");
  if (x.ndim === 1) return contract(x, y, { lb: [], rb: [], lc: [0], rc: [ky] }, "matmul");
  if (x.ndim === 2) {
    // (m, batch..., n) from the contraction, then the batch axes go first.
    const r = contract(x, y, { lb: [], rb: [], lc: [1], rc: [ky] }, "matmul");
    const nb = y.ndim - 2;
    const perm = Array.from({ length: nb }, (_, i) => i + 1).concat([0, nb + 1]);
    return transpose(r, perm);
  }
  const batch = broadcastShapes(x.shape.slice(0, -2), y.shape.slice(0, -2), "matmul");
  const xb = broadcastTo(x, batch.concat(x.shape.slice(-2)));
  const yb = broadcastTo(y, batch.concat(y.shape.slice(-2)));
  const axes = batch.map((_, i) => i);
  const nb = batch.length;
  return contract(xb, yb, { lb: axes, rb: axes, lc: [nb + 1], rc: [nb] }, "matmul");
}

/** `np.inner(a, b)`: the sum over the last axes of both (a product when either is a scalar). */
export function inner(a: ArrayLike, b: ArrayLike): Tensor {
  const x = toArg(a);
  const y = toArg(b);
  if (typeof x === "number" || typeof y === "number" || x.ndim === 0 || y.ndim === 0) return multiply(x, y);
  if (x.shape[x.ndim - 1] !== y.shape[y.ndim - 1]) throw sizeError("inner", x, x.ndim - 1, y, y.ndim - 1);
  return contract(x, y, { lb: [], rb: [], lc: [x.ndim - 1], rc: [y.ndim - 1] }, "inner");
}

/** `np.outer(a, b)`: `a.ravel()[i] * b.ravel()[j]`. */
export function outer(a: ArrayLike, b: ArrayLike): Tensor {
  const x = reshape(toTensor(toArg(a)), [-1]);
  const y = reshape(toTensor(toArg(b)), [-1]);
  return contract(x, y, { lb: [], rb: [], lc: [], rc: [] }, "outer");
}

export type TensordotAxes = number | readonly [number | readonly number[], number | readonly number[]];

function axisList(v: number | readonly number[], t: Tensor, which: string): number[] {
  const list = typeof v === "number" ? [v] : Array.from(v);
  const out = list.map((ax) => normalizeAxis(ax, t.ndim, "tensordot"));
  if (new Set(out).size !== out.length) throw new ShapeError(`tensordot: repeated axis in ${which} axes ${JSON.stringify(list)}`);
  return out;
}

/**
 * `np.tensordot(a, b, axes = 2)`: sums over axis pairs given as a count N (a's last N with b's
 * first N), a pair of axes, or a pair of axis lists (also as `{axes}`). Output: a's free axes
 * then b's.
 */
export function tensordot(a: ArrayLike, b: ArrayLike, axes: TensordotAxes | { axes?: TensordotAxes } = 2): Tensor {
  const x = toTensor(toArg(a));
  const y = toTensor(toArg(b));
  const ax = typeof axes === "object" && !Array.isArray(axes) ? (axes as { axes?: TensordotAxes }).axes ?? 2 : (axes as TensordotAxes);
  let la: number[];
  let lb: number[];
  if (typeof ax === "number") {
    if (!Number.isInteger(ax) || ax < 0 || ax > x.ndim || ax > y.ndim)
      throw new ShapeError(`tensordot: axes=${ax} must be an integer between 0 and the smaller rank (${Math.min(x.ndim, y.ndim)}) of ${fmtShape(x.shape)} and ${fmtShape(y.shape)}`);
    la = Array.from({ length: ax }, (_, i) => x.ndim - ax + i);
    lb = Array.from({ length: ax }, (_, i) => i);
  } else {
    if (!Array.isArray(ax) || ax.length !== 2)
      throw new ArgumentError(`tensordot: axes must be an integer or a pair [axesOfA, axesOfB], got ${JSON.stringify(ax)}`);
    la = axisList(ax[0], x, "first");
    lb = axisList(ax[1], y, "second");
    if (la.length !== lb.length)
      throw new ShapeError(`tensordot: axis lists ${JSON.stringify(ax[0])} and ${JSON.stringify(ax[1])} have different lengths`);
  }
  for (let i = 0; i < la.length; i++) if (x.shape[la[i]] !== y.shape[lb[i]]) throw sizeError("tensordot", x, la[i], y, lb[i]);
  return contract(x, y, { lb: [], rb: [], lc: la, rc: lb }, "tensordot");
}

/** `np.kron(a, b)`: the Kronecker product (blocks a[i] * b), the shorter shape padded with leading 1s. */
export function kron(a: ArrayLike, b: ArrayLike): Tensor {
  const x = toTensor(toArg(a));
  const y = toTensor(toArg(b));
  const nd = Math.max(x.ndim, y.ndim);
  if (nd === 0) return multiply(x, y);
  const sx = Array<number>(nd - x.ndim).fill(1).concat(x.shape);
  const sy = Array<number>(nd - y.ndim).fill(1).concat(y.shape);
  // Interleave: x as (x0, 1, x1, 1, ...) times y as (1, y0, 1, y1, ...), then merge each pair.
  const px = reshape(x, sx.flatMap((d) => [d, 1]));
  const py = reshape(y, sy.flatMap((d) => [1, d]));
  return reshape(multiply(px, py), sx.map((d, i) => d * sy[i]));
}

export { cross } from "./cross.js";
