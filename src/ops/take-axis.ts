import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { TypedArray, allocArray } from "../tensor/dtype.js";
import { definePrimitive } from "../core/primitive.js";
import { bind1, bind2 } from "../core/trace.js";
import { toTensor } from "./args.js";
import { gatherLanes, gatherMiddle, invertLanes, scatterAddMiddle } from "../kernels/lanes.js";

// Gathers along one axis, the building block of the linear rearrangements (roll, repeat with
// counts, the pad modes, sort, partition). Each is a primitive whose adjoint is another
// gather or a scatter-add, so every derivative order stays inside these few kernels.

/** x as (outer, n, inner) around `axis`, with its values in C order. */
export function lanesOf(x: Tensor, axis: number): [data: TypedArray, outer: number, n: number, inner: number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= x.shape[d];
  for (let d = axis + 1; d < x.ndim; d++) inner *= x.shape[d];
  return [x.contiguousData(false), outer, x.shape[axis], inner];
}

function withAxisLength(shape: readonly number[], axis: number, len: number): number[] {
  const s = shape.slice();
  s[axis] = len;
  return s;
}

/** `index` (length m) picks positions of an axis of length `n`. */
export interface TakeParams {
  axis: number;
  index: Int32Array;
  n: number;
}

const gatherAxisPrim = definePrimitive<TakeParams>({
  name: "gather_axis",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const [src, outer, n, inner] = lanesOf(x, p.axis);
    const shape = withAxisLength(x.shape, p.axis, p.index.length);
    const dst = allocArray(x.dtype, outer * p.index.length * inner);
    gatherMiddle(src, outer, n, inner, p.index, dst);
    return fromBuffer(dst, shape, x.dtype);
  },
  vjp: (g, _ans, _args, p) => scatterAddAxis(g, p),
  jvp: (t, _ans, _args, p) => gatherAxis(t, p),
});

const scatterAddAxisPrim = definePrimitive<TakeParams>({
  name: "scatter_add_axis",
  impl: (args, p) => {
    const g = toTensor(args[0]);
    const [src, outer, , inner] = lanesOf(g, p.axis);
    const dst = allocArray(g.dtype, outer * p.n * inner);
    scatterAddMiddle(src, outer, p.n, inner, p.index, dst);
    return fromBuffer(dst, withAxisLength(g.shape, p.axis, p.n), g.dtype);
  },
  vjp: (g, _ans, _args, p) => gatherAxis(g, p),
  jvp: (t, _ans, _args, p) => scatterAddAxis(t, p),
});

/** x taken at `index` along `axis` (NumPy's `take(x, index, axis)` with a 1-d in-range index). */
export function gatherAxis(x: Tensor, p: TakeParams): Tensor {
  return bind1(gatherAxisPrim, x, p);
}

/** The adjoint of gatherAxis: each slice of g is added at its index in an axis of length `p.n`. */
export function scatterAddAxis(g: Tensor, p: TakeParams): Tensor {
  return bind1(scatterAddAxisPrim, g, p);
}

/**
 * `index` has x's shape; each lane along `axis` holds a permutation. `inverse` is filled in on
 * first use (the reverse pass needs it, the forward pass does not).
 */
export interface PermuteParams {
  axis: number;
  index: Int32Array;
  inverse: Int32Array | null;
}

function inverseParams(x: Tensor, p: PermuteParams): PermuteParams {
  if (p.inverse === null) {
    let outer = 1;
    let inner = 1;
    for (let d = 0; d < p.axis; d++) outer *= x.shape[d];
    for (let d = p.axis + 1; d < x.ndim; d++) inner *= x.shape[d];
    p.inverse = invertLanes(p.index, outer, x.shape[p.axis], inner);
  }
  return { axis: p.axis, index: p.inverse, inverse: p.index };
}

const permuteAlongAxisPrim = definePrimitive<PermuteParams>({
  name: "permute_along_axis",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const [src, outer, n, inner] = lanesOf(x, p.axis);
    const dst = allocArray(x.dtype, x.size);
    gatherLanes(src, outer, n, inner, p.index, dst);
    return fromBuffer(dst, x.shape.slice(), x.dtype);
  },
  vjp: (g, _ans, _args, p) => permuteAlongAxis(g, inverseParams(g, p)),
  jvp: (t, _ans, _args, p) => permuteAlongAxis(t, p),
});

/** x with each lane along `axis` permuted by its own index (take_along_axis with permutations). */
export function permuteAlongAxis(x: Tensor, p: PermuteParams): Tensor {
  return bind1(permuteAlongAxisPrim, x, p);
}

// The same permutation with the index as an int32 tensor argument instead of a parameter: what
// sort and partition use under jit, where the index is a recorded value, not data at hand.
function lanes(shape: readonly number[], axis: number): [outer: number, n: number, inner: number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d];
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  return [outer, shape[axis], inner];
}

const invertPermutationPrim = definePrimitive<{ axis: number }>({
  name: "invert_permutation",
  impl: (args, p) => {
    const ix = toTensor(args[0]);
    const [outer, n, inner] = lanes(ix.shape, p.axis);
    return fromBuffer(invertLanes(ix.contiguousData(false) as Int32Array, outer, n, inner), ix.shape.slice(), "int32");
  },
  nondiff: true,
});

const permuteByIndexPrim = definePrimitive<{ axis: number }>({
  name: "permute_by_index",
  impl: (args, p) => {
    const x = toTensor(args[0]);
    const ix = toTensor(args[1]);
    const [src, outer, n, inner] = lanesOf(x, p.axis);
    const dst = allocArray(x.dtype, x.size);
    gatherLanes(src, outer, n, inner, ix.contiguousData(false) as Int32Array, dst);
    return fromBuffer(dst, x.shape.slice(), x.dtype);
  },
  // The index is int32 (a constant): only x has a cotangent, the inverse permutation of g.
  vjp: (g, _ans, args, p) => permuteByIndex(g, invertPermutation(args[1] as Tensor, p.axis), p.axis),
  jvp: (t, _ans, args, p) => permuteByIndex(t, args[1] as Tensor, p.axis),
});

/** x with each lane along `axis` permuted by the int32 tensor `index` (x's shape; each lane a permutation). */
export function permuteByIndex(x: Tensor, index: Tensor, axis: number): Tensor {
  return bind2(permuteByIndexPrim, x, index, { axis });
}

/** The inverse of each lane's permutation in an int32 index tensor (a constant under transforms). */
export function invertPermutation(index: Tensor, axis: number): Tensor {
  return bind1(invertPermutationPrim, index, { axis });
}
