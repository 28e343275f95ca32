import { Tensor, copyStridedInto, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { DType, allocArray, castValue, isDType } from "../tensor/dtype.js";
import { ArrayLike } from "../tensor/create.js";
import { DTypeError } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { dtypeOf, toArg } from "./args.js";

function castImpl(x: Arg, dtype: DType): Tensor {
  if (typeof x === "number") return scalarTensor(x, dtype);
  if (x.dtype === dtype && !x.weak) return x;
  if (x.shape.length === 0) return scalarTensor(x.scalar, dtype);
  const n = x.size;
  const src = x.buffer();
  const dst = allocArray(dtype, n);
  if (dtype === "bool") {
    const tmp = x.isContiguous ? src.subarray(x.offset, x.offset + n) : x.contiguousData(false);
    for (let i = 0; i < n; i++) dst[i] = tmp[i] !== 0 ? 1 : 0;
  } else if (x.isContiguous) {
    if (dtype === "int32") for (let i = 0; i < n; i++) dst[i] = castValue(src[x.offset + i], "int32");
    else (dst as Float64Array).set(src.subarray(x.offset, x.offset + n));
  } else if (dtype === "int32") {
    const tmp = x.contiguousData(false);
    for (let i = 0; i < n; i++) dst[i] = castValue(tmp[i], "int32");
  } else copyStridedInto(src, x.offset, x.shape, x.strides, dst);
  return fromBuffer(dst, x.shape, dtype);
}

const astypePrim = definePrimitive<{ dtype: DType }>({
  name: "astype",
  impl: (args, p) => castImpl(args[0], p.dtype),
  impl1: (x, p) => castImpl(x, p.dtype),
  vjp: (g, _ans, args) => astype(g, dtypeOf(args[0])),
  jvp: (t, _ans, _args, p) => astype(t, p.dtype),
});

/** `x.astype(dtype)`: a copy converted to `dtype` (float to int truncates toward zero, as NumPy). */
export function astype(x: ArrayLike, dtype: DType): Tensor {
  if (!isDType(dtype))
    throw new DTypeError(`astype: unknown dtype ${JSON.stringify(dtype)}; use float64, float32, int32 or bool`);
  const a = toArg(x);
  if (typeof a !== "number" && a.dtype === dtype && !a.weak) return a;
  return bind1(astypePrim, a, { dtype });
}
