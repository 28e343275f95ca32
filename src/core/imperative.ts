import { Tensor } from "../tensor/tensor.js";

/**
 * The imperative path (PyTorch's requiresGrad / backward): filled in by the transforms work.
 * `requiresGradLeaf(t)` returns a leaf tensor that records the operations applied to it.
 */
export function requiresGradLeaf(t: Tensor): Tensor {
  throw new Error(`requiresGrad is not implemented yet (tensor of shape (${t.shape.join(", ")}))`);
}
