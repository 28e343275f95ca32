import { DType, TypedArray, allocArray, castValue, isDType } from "./dtype.js";
import { Tensor, fromBuffer, scalarTensor, NestedArray } from "./tensor.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { shapeSize } from "./shape.js";

/** Anything the API accepts where an array is expected. */
export type ArrayLike = Tensor | number | boolean | NestedArray | TypedArray | readonly ArrayLike[];

function inferShape(data: unknown, op: string): number[] {
  const shape: number[] = [];
  let d: unknown = data;
  while (Array.isArray(d) || ArrayBuffer.isView(d)) {
    const len = (d as Seq<unknown>).length;
    shape.push(len);
    if (len === 0) break;
    d = (d as Seq<unknown>)[0];
  }
  if (d instanceof Tensor) shape.push(...d.shape);
  if (shape.length === 0 && typeof d !== "number" && typeof d !== "boolean")
    throw new ArgumentError(`${op}: expected numbers, booleans, nested arrays or tensors, got ${typeof d}`);
  return shape;
}

type Seq<T> = { readonly length: number; readonly [i: number]: T };

/**
 * Builds a concrete tensor from nested JS data. Numbers give float64 (chainrule's default, where
 * NumPy would pick int64 for integers), booleans give bool, typed arrays keep their type.
 */
export function fromNested(data: unknown, dtype?: DType, op = "array"): Tensor {
  if (dtype !== undefined && !isDType(dtype))
    throw new DTypeError(`${op}: unknown dtype ${JSON.stringify(dtype)}; use float64, float32, int32 or bool`);
  if (data instanceof Tensor) {
    if (data.trace !== null) throw new ArgumentError(`${op}: internal: traced tensor`);
    return data;
  }
  if (typeof data === "number") return scalarTensor(data, dtype ?? "float64");
  if (typeof data === "boolean") return scalarTensor(data ? 1 : 0, dtype ?? "bool");
  const shape = inferShape(data, op);
  const n = shapeSize(shape);
  let inferred: DType | undefined = dtype;
  if (inferred === undefined) {
    if (data instanceof Float32Array) inferred = "float32";
    else if (data instanceof Int32Array) inferred = "int32";
    else if (data instanceof Uint8Array) inferred = "bool";
  }
  const flat: number[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (d: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof d === "number") {
        sawNumber = true;
        flat.push(d);
      } else if (typeof d === "boolean") {
        sawBool = true;
        flat.push(d ? 1 : 0);
      } else if (d instanceof Tensor && d.ndim === 0) {
        flat.push(d.item());
        if (d.dtype === "bool") sawBool = true;
        else sawNumber = true;
      } else throw new ArgumentError(`${op}: ragged or non-numeric data (got ${typeof d} at depth ${dim})`);
      return;
    }
    if (d instanceof Tensor && d.ndim === shape.length - dim) {
      const vals = d.toTypedArray();
      for (let i = 0; i < vals.length; i++) flat.push(vals[i]);
      if (d.dtype === "bool") sawBool = true;
      else sawNumber = true;
      return;
    }
    if (!(Array.isArray(d) || ArrayBuffer.isView(d)) || (d as Seq<unknown>).length !== shape[dim])
      throw new ShapeError(
        `${op}: ragged nested data: expected a sequence of length ${shape[dim]} at depth ${dim}; every row must have the same length`,
      );
    const arr = d as Seq<unknown>;
    for (let i = 0; i < arr.length; i++) walk(arr[i], dim + 1);
  };
  walk(data, 0);
  if (inferred === undefined) inferred = sawBool && !sawNumber ? "bool" : "float64";
  const buf = allocArray(inferred, n);
  for (let i = 0; i < n; i++) buf[i] = inferred === "bool" ? (flat[i] !== 0 ? 1 : 0) : castValue(flat[i], inferred);
  return fromBuffer(buf, shape, inferred);
}
