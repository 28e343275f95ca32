import { Tensor, viewOf, zerosOf } from "../tensor/tensor.js";
import { contiguousStrides } from "../tensor/shape.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { placeStrided } from "../kernels/gather.js";
import { toTensor } from "./args.js";
import { ViewParams } from "./index-key.js";

// Basic indexing (integers, slices, new axes, ellipsis) as a strided view, and its transpose,
// which places a cotangent into zeros of the input's shape. Each is the other's VJP.

function viewGeometry(p: ViewParams, strides: readonly number[], offset: number): [number[], number] {
  let off = offset;
  for (let i = 0; i < p.start.length; i++) off += p.start[i] * strides[i];
  const st = p.outAxes.map((a) => (a < 0 ? 0 : strides[a] * p.step[a]));
  return [st, off];
}

const viewPrim = definePrimitive<ViewParams>({
  name: "getitem",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const [st, off] = viewGeometry(p, x.strides, x.offset);
    return viewOf(x, p.outShape.slice(), st, off);
  },
  vjp: (g, _ans, _args, p) => unindexView(g, p),
  jvp: (t, _ans, _args, p) => indexView(t, p),
});

const unviewPrim = definePrimitive<ViewParams>({
  name: "getitem_transpose",
  impl: (args, p) => {
    const g = toTensor(args[0]);
    const out = zerosOf(p.inShape.slice(), g.dtype);
    if (g.size === 0) return out;
    const buf = out.buffer();
    const [st, off] = viewGeometry(p, contiguousStrides(p.inShape), 0);
    placeStrided(g.contiguousData(false), p.outShape, st, buf, off);
    // A 0-d result keeps its value in `scalar`: rebuild it from the written buffer.
    return p.inShape.length === 0 ? viewOf(out, [], [], 0) : out;
  },
  vjp: (g, _ans, _args, p) => indexView(g, p),
  jvp: (t, _ans, _args, p) => unindexView(t, p),
});

/** The basic-indexing view of `x` (no copy). */
export function indexView(x: Tensor, p: ViewParams): Tensor {
  return bind1(viewPrim, x, p);
}

/** Zeros of the viewed tensor's shape with `g` placed where the view reads. */
export function unindexView(g: Tensor, p: ViewParams): Tensor {
  return bind1(unviewPrim, g, p);
}
