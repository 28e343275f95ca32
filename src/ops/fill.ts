import { Tensor, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { DType, allocArray, castValue } from "../tensor/dtype.js";
import { shapeSize } from "../tensor/shape.js";
import { dtypeOf, shapeOf, toArg } from "./args.js";
import { ArgumentError } from "../errors.js";

/** A constant tensor (never traced: constants carry no gradient). */
export function full(shape: number | readonly number[], value: number | boolean, dtype?: DType): Tensor {
  const s = typeof shape === "number" ? [shape] : Array.from(shape);
  for (const d of s)
    if (!Number.isInteger(d) || d < 0) throw new ArgumentError(`full: invalid shape ${JSON.stringify(shape)}; dimensions must be non-negative integers`);
  const dt: DType = dtype ?? (typeof value === "boolean" ? "bool" : "float64");
  const v = typeof value === "boolean" ? (value ? 1 : 0) : value;
  if (s.length === 0) return scalarTensor(v, dt);
  const buf = allocArray(dt, shapeSize(s));
  const cv = castValue(v, dt);
  if (cv !== 0) buf.fill(cv);
  return fromBuffer(buf, s, dt);
}

export function zeros(shape: number | readonly number[], dtype?: DType): Tensor {
  return full(shape, 0, dtype ?? "float64");
}

export function ones(shape: number | readonly number[], dtype?: DType): Tensor {
  return full(shape, 1, dtype ?? "float64");
}

export function zerosLike(x: ArrayLike, dtype?: DType): Tensor {
  const a = toArg(x);
  return full(shapeOf(a), 0, dtype ?? dtypeOf(a));
}

export function onesLike(x: ArrayLike, dtype?: DType): Tensor {
  const a = toArg(x);
  return full(shapeOf(a), 1, dtype ?? dtypeOf(a));
}

export function fullLike(x: ArrayLike, value: number | boolean, dtype?: DType): Tensor {
  const a = toArg(x);
  return full(shapeOf(a), value, dtype ?? dtypeOf(a));
}
