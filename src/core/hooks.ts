import { Tensor } from "../tensor/tensor.js";

/**
 * The few differentiable ops the engine itself needs (summing fan-in cotangents, zero
 * gradients). They are primitives of the ops layer, which sits above core, so ops installs
 * them here at load time instead of core importing upward.
 */
export const engineOps = {
  add: (a: Tensor, b: Tensor): Tensor => {
    throw new Error(`internal: engine ops not installed (${a.dtype}, ${b.dtype})`);
  },
  zerosLike: (x: Tensor): Tensor => {
    throw new Error(`internal: engine ops not installed (${x.dtype})`);
  },
};
