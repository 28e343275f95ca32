// ReLU as a primitive of its own for speed: the composition where(x > 0, x, 0) costs three
// broadcasting passes forward and two more backward, which dominated a small CNN's step. Its
// gradient is `relu_grad(g, x)` = g where x > 0, else 0 (0 at x = 0, as in PyTorch): linear in
// g and piecewise constant in x, so its own rules are itself and zero, and every order follows.
import { Tensor, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { TypedArray, allocArray } from "../tensor/dtype.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1, bind2 } from "../core/trace.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { shapesEqual } from "../tensor/shape.js";
import { ShapeError, fmtShape } from "../errors.js";
import { zerosLike } from "./fill.js";
import { fitTangent, unbroadcast } from "./grad-util.js";
import { type ScatterOrigin, scatterOriginOf } from "./pool-origin.js";
import { scatterPlanesWherePositive } from "../kernels/pool.js";
import { reluAny, reluF32, reluGradAny, reluGradF32 } from "../kernels/relu.js";
import { WASM_MIN_SIZE, binaryWasm, unaryWasm } from "./elementwise-wasm.js";

/** C-order values of a concrete tensor (a view of its storage when already contiguous). */
function flat(t: Tensor): { data: TypedArray; off: number } {
  return t.isContiguous ? { data: t.buffer(), off: t.offset } : { data: t.contiguousData(false), off: 0 };
}

function reluImpl(x0: Arg): Tensor {
  const x = toTensor(x0);
  if (x.shape.length === 0) return scalarTensor(x.scalar > 0 || x.scalar !== x.scalar ? x.scalar : 0, x.dtype);
  const viaWasm = x.size >= WASM_MIN_SIZE ? unaryWasm("relu", x) : null;
  if (viaWasm !== null) return viaWasm;
  const n = x.size, { data: X, off } = flat(x);
  const out = allocArray(x.dtype, n);
  if (X instanceof Float32Array) reluF32(X, off, n, out as Float32Array);
  else reluAny(X, off, n, out);
  return fromBuffer(out, x.shape, x.dtype);
}

function reluGradImpl(g0: Arg, x0: Arg): Tensor {
  const g = toTensor(g0), x = toTensor(x0);
  if (x.shape.length === 0) return scalarTensor(x.scalar > 0 ? g.scalar : 0, g.dtype);
  const n = x.size;
  const origin = scatterOriginOf(g, x);
  if (origin !== null) return fromPooling(origin, g, x);
  if (n >= WASM_MIN_SIZE && shapesEqual(g.shape, x.shape)) {
    const viaWasm = binaryWasm("relu_grad", g, x);
    if (viaWasm !== null) return viaWasm;
  }
  const G = flat(g), X = flat(x);
  const out = allocArray(g.dtype, n);
  if (G.data instanceof Float32Array && X.data instanceof Float32Array) reluGradF32(G.data, G.off, X.data, X.off, n, out as Float32Array);
  else reluGradAny(G.data, G.off, X.data, X.off, n, out);
  return fromBuffer(out, x.shape, g.dtype);
}

/**
 * relu_grad(g, x) when g is the input gradient of a max pooling of x with disjoint windows (see
 * pool-origin.ts): nonzero only at the window maxima, read from the pooled-size arrays.
 */
function fromPooling(o: ScatterOrigin, g: Tensor, x: Tensor): Tensor {
  const [N, C, H, W] = x.shape;
  const pos = o.positions, OHW = pos.shape[2] * pos.shape[3];
  const out = allocArray(g.dtype, x.size);
  const gy = o.gy.contiguousData(false), pooled = o.pooled.contiguousData(false);
  scatterPlanesWherePositive(gy, pooled, H * W, pos.contiguousData(false) as Int32Array, OHW, out);
  return fromBuffer(out, [N, C, H, W], g.dtype);
}

const reluGradPrim = definePrimitive<undefined>({
  name: "relu_grad",
  impl: (args) => reluGradImpl(args[0], args[1]),
  impl2: (g, x) => reluGradImpl(g, x),
  vjp: (c, _ans, args, _p, i) => (i === 0 ? unbroadcast(reluGrad(c, args[1]), args[0]) : zerosLike(args[1] as Tensor)),
  jvp: (t, ans, args, _p, i) => (i === 0 ? fitTangent(reluGrad(t, args[1]), ans) : zerosLike(ans)),
  scalarFn: (g, x) => (x > 0 ? g : 0),
});

/** g where x > 0, else 0 (g and x of one shape): the pullback of relu at x. */
export function reluGrad(g: ArrayLike, x: ArrayLike): Tensor {
  const ga = toArg(g), xa = toArg(x);
  const gs = shapeOf(ga), xs = shapeOf(xa);
  if (!shapesEqual(gs, xs)) throw new ShapeError(`relu_grad: cotangent ${fmtShape(gs)} and input ${fmtShape(xs)} must have the same shape`);
  return bind2(reluGradPrim, ga, xa, undefined);
}

const reluPrim = definePrimitive<undefined>({
  name: "relu",
  impl: (args) => reluImpl(args[0]),
  impl1: reluImpl,
  // The output's sign says the same as the input's (NaN in both), and the output is what a
  // following max pooling reads, which lets relu_grad take the sparse path of pool-origin.ts.
  vjp: (g, ans, args) => unbroadcast(reluGrad(g, ans), args[0]),
  jvp: (t, ans, args) => fitTangent(reluGrad(t, args[0]), ans),
  // NaN > 0 is false: NaN is tested for apart, it must propagate (as in reluImpl).
  scalarFn: (v) => (v > 0 || v !== v ? v : 0),
});

/** max(x, 0) elementwise; NaN stays NaN; integer input stays integer. */
export function relu(x: ArrayLike): Tensor {
  return bind1(reluPrim, toArg(x), undefined);
}
