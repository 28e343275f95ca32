// The products family's NumPy names and Tensor methods.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { dot, matmul, inner, outer, tensordot, kron, cross } from "../ops/products.js";
import { einsum } from "../ops/einsum.js";
import { diagonal, trace, diag, makeDiagonal, triu, tril, DiagonalOptions } from "../ops/matrix.js";

export { dot, matmul, inner, outer, tensordot, kron, cross, einsum, diagonal, trace, diag, makeDiagonal, triu, tril };
export type { TensordotAxes } from "../ops/products.js";
export type { CrossOptions } from "../ops/cross.js";
export type { EinsumSublist, EinsumOptions } from "../ops/einsum.js";
export type { DiagonalOptions, TraceOptions } from "../ops/matrix.js";

// No `x.trace()` method: Tensor's own `trace` field (the transform tracing it) takes the name.
declare module "../tensor/tensor.js" {
  interface Tensor {
    /** `x @ y` (np.matmul). */
    matmul(y: ArrayLike): Tensor;
    /** np.dot(x, y). */
    dot(y: ArrayLike): Tensor;
    /** np.diagonal(x, offset, axis1, axis2). */
    diagonal(offset?: number | DiagonalOptions, axis1?: number, axis2?: number): Tensor;
  }
}

const P = Tensor.prototype;
P.matmul = function (y) { return matmul(this, y); };
P.dot = function (y) { return dot(this, y); };
P.diagonal = function (offset, axis1, axis2) { return diagonal(this, offset, axis1, axis2); };
