import { Tensor, fromBuffer, zerosOf, viewOf } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import { contiguousStrides, shapeSize } from "../tensor/shape.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { RowGeometry, gatherInto, scatterAddInto } from "../kernels/gather.js";
import { toTensor } from "./args.js";
import { GatherParams } from "./index-key.js";

// Advanced indexing as a gather, and its transpose, a scatter-add into zeros (repeated indices
// accumulate, which is what makes it the gather's VJP). Each is the other's VJP.

/** The kernel geometry of a gather for a source with `strides`: one row per broadcast index. */
function geometry(p: GatherParams, strides: readonly number[]): RowGeometry {
  const nb = shapeSize(p.bShape);
  const rows = new Int32Array(nb);
  for (let j = 0; j < p.axes.length; j++) {
    const s = strides[p.axes[j]];
    const ix = p.idx[j];
    for (let b = 0; b < nb; b++) rows[b] += ix[b] * s;
  }
  const rest: number[] = [];
  for (let d = 0; d < p.inShape.length; d++) if (!p.axes.includes(d)) rest.push(d);
  const before = rest.slice(0, p.bPos);
  const after = rest.slice(p.bPos);
  return {
    beforeShape: before.map((d) => p.inShape[d]),
    beforeStrides: before.map((d) => strides[d]),
    rowOffsets: rows,
    afterShape: after.map((d) => p.inShape[d]),
    afterStrides: after.map((d) => strides[d]),
  };
}

const gatherPrim = definePrimitive<GatherParams>({
  name: "gather",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const dst = allocArray(x.dtype, shapeSize(p.outShape));
    if (dst.length > 0) gatherInto(x.buffer(), x.offset, geometry(p, x.strides), dst);
    return fromBuffer(dst, p.outShape.slice(), x.dtype);
  },
  vjp: (g, _ans, _args, p) => scatterAdd(g, p),
  jvp: (t, _ans, _args, p) => gather(t, p),
});

const scatterAddPrim = definePrimitive<GatherParams>({
  name: "scatter_add",
  impl: (args, p) => {
    const g = toTensor(args[0]);
    const out = zerosOf(p.inShape.slice(), g.dtype);
    if (g.size === 0) return out;
    const buf = out.buffer();
    scatterAddInto(g.contiguousData(false), geometry(p, contiguousStrides(p.inShape)), buf, 0);
    // Bool addition is logical or (as NumPy's): fold counts back to 0/1.
    if (g.dtype === "bool") for (let i = 0; i < buf.length; i++) buf[i] = buf[i] !== 0 ? 1 : 0;
    return p.inShape.length === 0 ? viewOf(out, [], [], 0) : out;
  },
  vjp: (g, _ans, _args, p) => gather(g, p),
  jvp: (t, _ans, _args, p) => scatterAdd(t, p),
});

/** The advanced-indexing gather of `x`. */
export function gather(x: Tensor, p: GatherParams): Tensor {
  return bind1(gatherPrim, x, p);
}

/** Zeros of the gather's input shape with `g` added at the gathered positions. */
export function scatterAdd(g: Tensor, p: GatherParams): Tensor {
  return bind1(scatterAddPrim, g, p);
}
