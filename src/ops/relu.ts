// ReLU as a primitive of its own for speed: the composition where(x > 0, x, 0) costs three
// broadcasting passes forward and two more backward, which dominated a small CNN's step. Its
// gradient is `relu_grad(g, x)` = g where x > 0, else 0 (0 at x = 0, as in PyTorch): linear in
// g and piecewise constant in x, so its own rules are itself and zero, and every order follows.
import { Tensor, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { TypedArray, allocArray } from "../tensor/dtype.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1, bind2 } from "../core/trace.js";
import { toArg, toTensor } from "./args.js";
import { zerosLike } from "./fill.js";
import { fitTangent, unbroadcast } from "./grad-util.js";

/** C-order values of a concrete tensor (a view of its storage when already contiguous). */
function flat(t: Tensor): { data: TypedArray; off: number } {
  return t.isContiguous ? { data: t.buffer(), off: t.offset } : { data: t.contiguousData(false), off: 0 };
}

function reluImpl(x0: Arg): Tensor {
  const x = toTensor(x0);
  if (x.shape.length === 0) return scalarTensor(x.scalar > 0 || x.scalar !== x.scalar ? x.scalar : 0, x.dtype);
  const n = x.size, { data: X, off } = flat(x);
  const out = allocArray(x.dtype, n);
  // NaN > 0 is false, so NaN is tested for apart: it must propagate.
  for (let i = 0; i < n; i++) {
    const v = X[off + i];
    out[i] = v > 0 || v !== v ? v : 0;
  }
  return fromBuffer(out, x.shape, x.dtype);
}

function reluGradImpl(g0: Arg, x0: Arg): Tensor {
  const g = toTensor(g0), x = toTensor(x0);
  if (x.shape.length === 0) return scalarTensor(x.scalar > 0 ? g.scalar : 0, g.dtype);
  const n = x.size, G = flat(g), X = flat(x);
  const out = allocArray(g.dtype, n);
  const gd = G.data, go = G.off, xd = X.data, xo = X.off;
  for (let i = 0; i < n; i++) out[i] = xd[xo + i] > 0 ? gd[go + i] : 0;
  return fromBuffer(out, x.shape, g.dtype);
}

const reluGradPrim = definePrimitive<undefined>({
  name: "relu_grad",
  impl: (args) => reluGradImpl(args[0], args[1]),
  impl2: (g, x) => reluGradImpl(g, x),
  vjp: (c, _ans, args, _p, i) => (i === 0 ? unbroadcast(reluGrad(c, args[1]), args[0]) : zerosLike(args[1] as Tensor)),
  jvp: (t, ans, args, _p, i) => (i === 0 ? fitTangent(reluGrad(t, args[1]), ans) : zerosLike(ans)),
});

/** g where x > 0, else 0 (g and x of one shape): the pullback of relu at x. */
export function reluGrad(g: ArrayLike, x: ArrayLike): Tensor {
  return bind2(reluGradPrim, toArg(g), toArg(x), undefined);
}

const reluPrim = definePrimitive<undefined>({
  name: "relu",
  impl: (args) => reluImpl(args[0]),
  impl1: reluImpl,
  vjp: (g, _ans, args) => unbroadcast(reluGrad(g, args[0]), args[0]),
  jvp: (t, ans, args) => fitTangent(reluGrad(t, args[0]), ans),
});

/** max(x, 0) elementwise; NaN stays NaN; integer input stays integer. */
export function relu(x: ArrayLike): Tensor {
  return bind1(reluPrim, toArg(x), undefined);
}
