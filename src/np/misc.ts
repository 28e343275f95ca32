import { Tensor } from "../tensor/tensor.js";
import { copy, allclose, arrayEqual, arrayEquiv, resultType, isscalar, ndim, shape, size, iscomplexobj, isrealobj } from "../ops/misc.js";
import type { AllcloseOptions } from "../ops/misc.js";
import { array2string, arrayRepr, arrayStr, setPrintoptions, getPrintoptions } from "../tensor/print.js";
import type { PrintOptions } from "../tensor/print.js";

export { copy, allclose, arrayEqual, arrayEquiv, resultType, isscalar, ndim, shape, size, iscomplexobj, isrealobj };
export { array2string, arrayRepr, arrayStr, setPrintoptions, getPrintoptions };
export type { AllcloseOptions, PrintOptions };

declare module "../tensor/tensor.js" {
  interface Tensor {
    /** A copy with its own storage (differentiable, like `np.copy`). */
    copy(): Tensor;
  }
}

Tensor.prototype.copy = function (this: Tensor) {
  return copy(this);
};
