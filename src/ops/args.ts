import { Tensor, EMPTY } from "../tensor/tensor.js";
import { ArrayLike, fromNested } from "../tensor/create.js";
import { DType, promoteTypes, promoteWeak } from "../tensor/dtype.js";
import { Arg } from "../core/primitive.js";

/** Normalizes user input to what primitives take: tensors stay, numbers stay (weak), the rest becomes a tensor. */
export function toArg(x: ArrayLike): Arg {
  if (x instanceof Tensor || typeof x === "number") return x;
  return fromNested(x);
}

/** Any input as a tensor (a number becomes a weak float64 0-d tensor). */
export function toTensor(x: ArrayLike | Arg): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === "number") {
    const t = fromNested(x);
    return new Tensor(t.dtype, EMPTY, EMPTY, 0, null, t.scalar, true);
  }
  return fromNested(x);
}

export function shapeOf(a: Arg): number[] {
  return typeof a === "number" ? [] : a.shape;
}

export function dtypeOf(a: Arg): DType {
  return typeof a === "number" ? "float64" : a.dtype;
}

function isWeak(a: Arg): boolean {
  return typeof a === "number" || a.weak;
}

function weakValue(a: Arg): number {
  return typeof a === "number" ? a : a.concrete().scalar;
}

/** NumPy 2's result dtype of two operands, JS numbers being weak (Python) scalars. */
export function resultDtype(a: Arg, b: Arg): DType {
  const wa = isWeak(a);
  const wb = isWeak(b);
  if (wa === wb) return promoteTypes(dtypeOf(a), dtypeOf(b));
  return wa ? promoteWeak(dtypeOf(b), weakValue(a)) : promoteWeak(dtypeOf(a), weakValue(b));
}

/** Result dtype of several operands. */
export function resultDtypeN(args: readonly Arg[]): DType {
  let strong: DType | null = null;
  for (const a of args) if (!isWeak(a)) strong = strong === null ? dtypeOf(a) : promoteTypes(strong, dtypeOf(a));
  if (strong === null) {
    let d: DType = dtypeOf(args[0]);
    for (const a of args) d = promoteTypes(d, dtypeOf(a));
    return d;
  }
  let d: DType = strong;
  for (const a of args) if (isWeak(a)) d = promoteTypes(d, promoteWeak(strong, weakValue(a)));
  return d;
}
