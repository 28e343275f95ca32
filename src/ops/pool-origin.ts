// Where a max-pooling input gradient came from, so that relu_grad right behind it can skip the
// dense pass. In a CNN the cotangent reaching relu_grad(g, r) is usually max_pool2d's input
// gradient: zero except at each window's maximum, where it holds that window's output
// gradient. When the windows do not overlap and r is the pooled tensor itself, relu_grad's
// result is nonzero only at those positions, and r there equals the pooled output, so the
// result is produced from the small pooled-size arrays without reading g or r at all (measured
// in a small CNN's step: relu_grad of 32x16x26x26 float32 from 1.0 to 0.7 ms, most of what is
// left being the fresh pages of its zeroed output).
import type { Tensor } from "../tensor/tensor.js";

export interface ScatterOrigin {
  /** The output gradient of the pooling (pooled shape, same dtype as the result; any layout). */
  gy: Tensor;
  /** Flat in-plane position of each window's maximum (int32, pooled shape; -1 for none). */
  positions: Tensor;
  /** The pooling output: the pooled input's value at each position. */
  pooled: Tensor;
  /**
   * The pooled input. Held strongly, but only as long as the gradient keying the record lives
   * (WeakMap values go with their keys); a WeakRef would be worse: it keeps its target alive
   * until the current job ends, i.e. for the whole of a synchronous training loop.
   */
  input: Tensor;
}

// Keyed weakly by the scatter's result: the record lives no longer than that gradient.
const origins = new WeakMap<Tensor, ScatterOrigin>();

export function recordScatterOrigin(dx: Tensor, origin: ScatterOrigin): void {
  origins.set(dx, origin);
}

/** The record of `g` when it is the scatter of a max pooling of exactly `input`, else null. */
export function scatterOriginOf(g: Tensor, input: Tensor): ScatterOrigin | null {
  const o = origins.get(g);
  return o !== undefined && o.input === input ? o : null;
}
