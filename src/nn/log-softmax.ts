// log_softmax as one primitive: x - log Σ exp(x - m) - m along an axis, m the slice's maximum
// (replaced by 0 when not finite, as the composition did). The composition cost nine eager ops
// forward and as many backward (max, isfinite, where, subtract, exp, sum, log, add, subtract),
// each allocating its result; this is one pass per slice forward, and its rules are short
// compositions of differentiable ops, so every order of derivative still works:
//   VJP: g - exp(y)·Σ g        JVP: t - Σ exp(y)·t        (sums along the axis, kept)
import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import { normalizeAxis } from "../tensor/shape.js";
import { Arg, Primitive, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { toTensor } from "../ops/args.js";
import { subtract, multiply } from "../ops/arith.js";
import { exp } from "../ops/unary.js";
import { sum } from "../ops/reduce.js";
import { fitTangent, unbroadcast } from "../ops/grad-util.js";

interface LogSoftmaxParams {
  /** Non-negative axis of the input. */
  axis: number;
}

/**
 * The kernel on concrete float input: slices along `axis` are `n` elements `inner` apart, in
 * `outer` blocks. Sums in float64, so a float32 result is rounded once.
 */
function logSoftmaxImpl(x0: Arg, p: LogSoftmaxParams): Tensor {
  const x = toTensor(x0);
  const X = x.contiguousData(false);
  const out = allocArray(x.dtype, x.size);
  const n = x.shape[p.axis];
  let inner = 1;
  for (let i = p.axis + 1; i < x.ndim; i++) inner *= x.shape[i];
  const outer = n * inner === 0 ? 0 : x.size / (n * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      const end = base + n * inner;
      let m = -Infinity;
      for (let q = base; q < end; q += inner) {
        const v = X[q];
        // !(v <= m) is true for a new maximum and for NaN, which must win.
        if (!(v <= m)) m = v;
        if (v !== v) break;
      }
      // An infinite or NaN maximum would turn x - m into NaN for every element: shift by 0
      // instead, so only the slices that really hold infinities or NaN give non-finite values.
      if (m - m !== 0) m = 0;
      let s = 0;
      for (let q = base; q < end; q += inner) s += Math.exp(X[q] - m);
      const lse = Math.log(s) + m;
      for (let q = base; q < end; q += inner) out[q] = X[q] - lse;
    }
  return fromBuffer(out, x.shape, x.dtype);
}

const logSoftmaxPrim: Primitive<LogSoftmaxParams> = definePrimitive<LogSoftmaxParams>({
  name: "log_softmax",
  impl: (args, p) => logSoftmaxImpl(args[0], p),
  impl1: logSoftmaxImpl,
  vjp: (g, ans, args, p) => unbroadcast(subtract(g, multiply(exp(ans), sum(g, { axis: p.axis, keepdims: true }))), args[0]),
  jvp: (t, ans, _args, p) => fitTangent(subtract(t, sum(multiply(exp(ans), t), { axis: p.axis, keepdims: true })), ans),
  // Elementwise along every other axis: the batch axis shifts the reduced one by one when it
  // sits before it.
  batch: (args, dims, p): [Tensor, number | null] => {
    const d = dims[0] as number;
    return [bind1(logSoftmaxPrim, args[0], { axis: p.axis < d ? p.axis : p.axis + 1 }), d];
  },
});

/** x - log Σ exp(x) along `axis` for float `x` (callers promote integers first). */
export function logSoftmaxOp(x: Tensor, axis: number): Tensor {
  return bind1(logSoftmaxPrim, x, { axis: normalizeAxis(axis, x.ndim, "logSoftmax") });
}
