// 2-d convolution (NCHW input, OIHW weight, PyTorch's cross-correlation) as three primitives:
// the forward product and its two adjoints. The convolution is bilinear, so each adjoint is
// again one of the three with the roles of the operands exchanged; writing every rule that way
// makes derivatives of any order (grad of grad, jvp of grad) come out of the same kernels.
import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { DType, TypedArray, allocArray, floatResult, promoteTypes } from "../tensor/dtype.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind, bind2 } from "../core/trace.js";
import { toTensor } from "./args.js";
import { outputArray } from "./out-buffer.js";
import { add } from "./arith.js";
import { sum } from "./reduce.js";
import { reshape } from "./shape.js";
import { fitTangent, unbroadcast } from "./grad-util.js";
import type { ConvGeom, View4 } from "../kernels/im2col.js";
import { convForward, convInputGrad, convWeightGrad } from "../kernels/conv-gemm.js";

/** Hyper-parameters of a convolution, validated by the caller (src/nn/conv.ts). */
export interface ConvParams {
  stride: readonly [number, number];
  /** Zero padding [top, bottom, left, right] ("same" may pad one more after than before). */
  padding: readonly [number, number, number, number];
  dilation: readonly [number, number];
  groups: number;
}

/** Output spatial size along one axis (floor mode), as PyTorch computes it. */
export function convOutSize(size: number, k: number, stride: number, padBefore: number, padAfter: number, dil: number): number {
  return Math.floor((size + padBefore + padAfter - dil * (k - 1) - 1) / stride) + 1;
}

function geometry(xShape: readonly number[], wShape: readonly number[], p: ConvParams): ConvGeom {
  const [N, C, H, W] = xShape;
  const [O, , KH, KW] = wShape;
  const [pt, pb, pl, pr] = p.padding;
  return {
    N, C, H, W, O, G: p.groups, KH, KW,
    OH: convOutSize(H, KH, p.stride[0], pt, pb, p.dilation[0]),
    OW: convOutSize(W, KW, p.stride[1], pl, pr, p.dilation[1]),
    strideH: p.stride[0], strideW: p.stride[1], padTop: pt, padLeft: pl, dilH: p.dilation[0], dilW: p.dilation[1],
  };
}

/** Float dtype the product is computed in: NumPy's promotion, integers and bools to float64. */
function convDtype(a: Tensor, b: Tensor): DType {
  return floatResult(promoteTypes(a.dtype, b.dtype));
}

/** The tensor's values as a strided 4-d view in dtype `dt` (copied only when the dtype differs). */
function view4(t: Tensor, dt: DType): View4 {
  if (t.dtype === dt) {
    const [s0, s1, s2, s3] = t.strides;
    return { data: t.buffer(), offset: t.offset, s0, s1, s2, s3 };
  }
  const [, a, b, c] = t.shape;
  return { data: contiguous(t, dt), offset: 0, s0: a * b * c, s1: b * c, s2: c, s3: 1 };
}

/** C-order values in dtype `dt`, without a copy when they already are. */
function contiguous(t: Tensor, dt: DType): TypedArray {
  const src = t.contiguousData(false);
  if (t.dtype === dt) return src;
  const out = allocArray(dt, src.length);
  for (let i = 0; i < src.length; i++) out[i] = src[i];
  return out;
}

function conv2dImpl(args: Arg[], p: ConvParams, into: TypedArray | null = null): Tensor {
  const x = toTensor(args[0]), w = toTensor(args[1]);
  const dt = convDtype(x, w);
  const geo = geometry(x.shape, w.shape, p);
  const shape = [geo.N, geo.O, geo.OH, geo.OW];
  const out = outputArray(into, dt, geo.N * geo.O * geo.OH * geo.OW, args);
  const bias = args.length === 3 ? toTensor(args[2]).contiguousData(false) : null;
  convForward(view4(x, dt), contiguous(w, dt), bias, geo, out);
  return fromBuffer(out, shape, dt);
}

interface InputGradParams extends ConvParams {
  /** Spatial size of the input: not recoverable from the output's when stride > 1. */
  inHW: readonly [number, number];
}

function inputGradImpl(args: Arg[], p: InputGradParams, into: TypedArray | null = null): Tensor {
  const gy = toTensor(args[0]), w = toTensor(args[1]);
  const dt = convDtype(gy, w);
  const xShape = [gy.shape[0], w.shape[1] * p.groups, p.inHW[0], p.inHW[1]];
  const geo = geometry(xShape, w.shape, p);
  const dx = outputArray(into, dt, xShape[0] * xShape[1] * xShape[2] * xShape[3], args);
  if (dx === into) dx.fill(0); // the kernel adds into it
  convInputGrad(contiguous(gy, dt), contiguous(w, dt), geo, dx);
  return fromBuffer(dx, xShape, dt);
}

interface WeightGradParams extends ConvParams {
  kHW: readonly [number, number];
}

function weightGradImpl(args: Arg[], p: WeightGradParams, into: TypedArray | null = null): Tensor {
  const x = toTensor(args[0]), gy = toTensor(args[1]);
  const dt = convDtype(x, gy);
  const wShape = [gy.shape[1], x.shape[1] / p.groups, p.kHW[0], p.kHW[1]];
  const geo = geometry(x.shape, wShape, p);
  const dw = outputArray(into, dt, wShape[0] * wShape[1] * wShape[2] * wShape[3], args);
  convWeightGrad(view4(x, dt), contiguous(gy, dt), geo, dw);
  return fromBuffer(dw, wShape, dt);
}

const hw = (t: Arg): [number, number] => {
  const s = (t as Tensor).shape;
  return [s[2], s[3]];
};
const convOnly = (p: ConvParams): ConvParams => ({ stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups });

/** Sum of the tangent terms of a bilinear op f(a, b): f(ta, b) + f(a, tb). */
function bilinearJvp(f: (a: Arg, b: Arg) => Tensor, ts: (Tensor | null)[], ans: Tensor, args: Arg[]): Tensor {
  let r: Tensor | null = null;
  if (ts[0] !== null) r = f(ts[0], args[1]);
  if (ts[1] !== null) {
    const s = f(args[0], ts[1]);
    r = r === null ? s : add(r, s);
  }
  return fitTangent(r as Tensor, ans);
}

// Arguments (x, w) or (x, w, bias): the output is bilinear in (x, w) plus the broadcast bias.
const conv2dPrim = definePrimitive<ConvParams>({
  name: "conv2d",
  impl: conv2dImpl,
  implInto: conv2dImpl,
  vjp: (g, _ans, args, p, i) => {
    if (i === 0) return unbroadcast(conv2dInputGrad(g, args[1], { ...convOnly(p), inHW: hw(args[0]) }), args[0]);
    if (i === 1) return unbroadcast(conv2dWeightGrad(args[0], g, { ...convOnly(p), kHW: hw(args[1]) }), args[1]);
    // One reduction over N and the spatial axes: a single pass on the float32 fast path.
    return unbroadcast(sum(g, { axis: [0, 2, 3] }), args[2]);
  },
  jvpJoint: (ts, ans, args, p) => {
    const parts: Tensor[] = [];
    if (ts[0] !== null) parts.push(conv2dRaw(ts[0], args[1], p));
    if (ts[1] !== null) parts.push(conv2dRaw(args[0], ts[1], p));
    const tb = ts.length === 3 ? ts[2] : null;
    if (tb !== null) parts.push(reshape(tb, [tb.size, 1, 1]));
    return fitTangent(parts.reduce((a, b) => add(a, b)), ans);
  },
});

const inputGradPrim = definePrimitive<InputGradParams>({
  name: "conv2d_input_grad",
  impl: inputGradImpl,
  implInto: inputGradImpl,
  // <conv2d_input_grad(gy, w), c> = <gy, conv2d(c, w)>: conv2d is this op's adjoint in gy, and
  // the weight gradient of conv2d at input c is its adjoint in w.
  vjp: (g, _ans, args, p, i) =>
    i === 0
      ? unbroadcast(conv2dRaw(g, args[1], convOnly(p)), args[0])
      : unbroadcast(conv2dWeightGrad(g, args[0], { ...convOnly(p), kHW: hw(args[1]) }), args[1]),
  jvpJoint: (ts, ans, args, p) => bilinearJvp((a, b) => conv2dInputGrad(a, b, p), ts, ans, args),
});

const weightGradPrim = definePrimitive<WeightGradParams>({
  name: "conv2d_weight_grad",
  impl: weightGradImpl,
  implInto: weightGradImpl,
  // <conv2d_weight_grad(x, gy), c> = <gy, conv2d(x, c)> = <x, conv2d_input_grad(gy, c)>.
  vjp: (g, _ans, args, p, i) =>
    i === 0
      ? unbroadcast(conv2dInputGrad(args[1], g, { ...convOnly(p), inHW: hw(args[0]) }), args[0])
      : unbroadcast(conv2dRaw(args[0], g, convOnly(p)), args[1]),
  jvpJoint: (ts, ans, args, p) => bilinearJvp((a, b) => conv2dWeightGrad(a, b, p), ts, ans, args),
});

/**
 * conv2d on validated 4-d operands, plus a bias of shape (O,) when given (see
 * nn.functional.conv2d for the public function).
 */
export function conv2dRaw(x: Arg, w: Arg, p: ConvParams, bias?: Arg): Tensor {
  return bias === undefined ? bind2(conv2dPrim, x, w, p) : bind(conv2dPrim, [x, w, bias], p);
}

/** The gradient of conv2d with respect to its input: a transposed convolution of `gy` by `w`. */
export function conv2dInputGrad(gy: Arg, w: Arg, p: InputGradParams): Tensor {
  return bind2(inputGradPrim, gy, w, p);
}

/** The gradient of conv2d with respect to its weight, from the input `x` and output gradient `gy`. */
export function conv2dWeightGrad(x: Arg, gy: Arg, p: WeightGradParams): Tensor {
  return bind2(weightGradPrim, x, gy, p);
}
