import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ShapeError, fmtShape } from "../errors.js";
import { toTensor } from "../ops/args.js";
import * as np from "../np/index.js";

/** y = x·Wᵀ + b with PyTorch's weight layout (out_features, in_features). */
export function linear(x: ArrayLike, weight: ArrayLike, bias?: ArrayLike | null): Tensor {
  const xt = toTensor(x), w = toTensor(weight);
  if (w.ndim !== 2 && w.ndim !== 1) throw new ShapeError(`linear: weight must be (out_features, in_features), got ${fmtShape(w.shape)}`);
  const inF = w.shape[w.ndim - 1];
  if (xt.ndim < 1 || xt.shape[xt.ndim - 1] !== inF)
    throw new ShapeError(`linear: input ${fmtShape(xt.shape)} must end in in_features = ${inF} (weight ${fmtShape(w.shape)})`);
  const y = np.matmul(xt, w.ndim === 2 ? np.transpose(w) : w);
  return bias === undefined || bias === null ? y : np.add(y, bias);
}
