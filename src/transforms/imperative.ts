// The imperative path's Tensor methods (PyTorch's names, camelCased). The engine is in
// core/imperative.ts; this file only validates arguments and installs the methods.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { shapesEqual } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import {
  BackwardOptions,
  backward as runBackward,
  detachImperative,
  isImperative,
  isLeaf,
  setRequiresGrad,
} from "../core/imperative.js";
import { toTensor } from "../ops/args.js";
import { astype } from "../ops/cast.js";
import { reshape } from "../ops/shape.js";
import { stopGradient } from "./control.js";

export { noGrad, isGradEnabled, requiresGradLeaf } from "../core/imperative.js";
export type { BackwardOptions } from "../core/imperative.js";

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** True when operations on this tensor are recorded for backward(). */
    readonly requiresGrad: boolean;
    /** True for a tensor not produced by recorded operations (its `.grad` is filled by backward()). */
    readonly isLeaf: boolean;
    /** Makes this tensor a leaf that records operations (in place; returns this). */
    requiresGrad_(flag?: boolean): Tensor;
    /** Accumulates the gradient of this tensor into `.grad` of every leaf behind it. */
    backward(gradient?: ArrayLike | null, opts?: BackwardOptions): void;
    /** Clears `.grad`. */
    zeroGrad(): void;
    /** The same value, cut from the graph (a constant for backward() and for transforms). */
    detach(): Tensor;
  }
}

const P = Tensor.prototype;

Object.defineProperty(P, "requiresGrad", {
  get(this: Tensor) {
    return isImperative(this);
  },
  configurable: true,
});
Object.defineProperty(P, "isLeaf", {
  get(this: Tensor) {
    return isLeaf(this);
  },
  configurable: true,
});

P.requiresGrad_ = function (flag = true) {
  if (typeof flag !== "boolean") throw new ArgumentError(`requiresGrad_: flag must be a boolean, got ${typeof flag}`);
  return setRequiresGrad(this, flag);
};

P.backward = function (gradient?: ArrayLike | null, opts?: BackwardOptions) {
  if (opts !== undefined && (typeof opts !== "object" || opts === null))
    throw new ArgumentError("backward: options must be an object {retainGraph?, createGraph?}");
  let g: Tensor | null = null;
  if (gradient !== undefined && gradient !== null) {
    g = toTensor(gradient);
    const shape = this.shape;
    if (!shapesEqual(g.shape, shape) && !(g.size === 1 && this.size === 1 && g.shape.length === 0))
      throw new ShapeError(
        `backward: the gradient has shape ${fmtShape(g.shape)} but the tensor has shape ${fmtShape(shape)}; they must match`,
      );
    if (!shapesEqual(g.shape, shape)) g = reshape(g, shape);
    if (g.dtype !== this.dtype) g = astype(g, this.dtype);
  }
  runBackward(this, g, opts);
};

P.zeroGrad = function () {
  this.grad = null;
};

P.detach = function () {
  const d = detachImperative(this);
  // Under a transform the value is still a tracer: stopGradient makes it a constant there too.
  return d.trace !== null ? stopGradient(d) : d;
};
