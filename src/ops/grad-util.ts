import { Tensor } from "../tensor/tensor.js";
import { shapesEqual } from "../tensor/shape.js";
import { Arg } from "../core/primitive.js";
import { dtypeOf, shapeOf } from "./args.js";
import { sum } from "./reduce.js";
import { reshape, broadcastTo } from "./shape.js";
import { astype } from "./cast.js";

/**
 * Sums a broadcast cotangent back to the shape of the operand `like`, in its dtype: the
 * gradient of an operand has exactly the operand's shape and dtype.
 */
export function unbroadcast(g: Tensor, like: Arg): Tensor {
  const shape = shapeOf(like);
  let r = g;
  if (!shapesEqual(g.shape, shape)) {
    const lead = g.ndim - shape.length;
    const axes: number[] = [];
    for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
    if (axes.length > 0) r = sum(r, { axis: axes });
    if (!shapesEqual(r.shape, shape)) r = reshape(r, shape);
  }
  const dt = typeof like === "number" ? "float64" : dtypeOf(like);
  if (r.dtype !== dt && (dt === "float32" || dt === "float64")) r = astype(r, dt);
  return r;
}

/** Broadcasts and casts a tangent contribution to the output's shape and dtype. */
export function fitTangent(t: Tensor, ans: Tensor): Tensor {
  let r = t;
  if (!shapesEqual(r.shape, ans.shape)) r = broadcastTo(r, ans.shape);
  if (r.dtype !== ans.dtype) r = astype(r, ans.dtype);
  return r;
}
