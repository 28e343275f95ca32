// 2-d pooling primitives (NCHW). Max pooling is linear in x once the argmax positions are fixed,
// so its rules go through two linear primitives on those positions, a gather (the JVP) and a
// scatter-add (the VJP), each the other's adjoint: higher derivatives then need nothing more.
// Average pooling is linear outright; its adjoint spreads each output gradient over its window.
import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { DType, TypedArray, allocArray, floatResult } from "../tensor/dtype.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1, bind2 } from "../core/trace.js";
import { toTensor } from "./args.js";
import { outputArray } from "./out-buffer.js";
import { fitTangent, unbroadcast } from "./grad-util.js";
import type { View4 } from "../kernels/im2col.js";
import { recordScatterOrigin } from "./pool-origin.js";
import { type PoolGeom, avgPool, gatherPlanes, maxPool, scatterPlanes, scatterPlanes2x2 } from "../kernels/pool.js";

/** Validated pooling hyper-parameters, with both spatial sizes resolved (ceil mode included). */
export interface PoolParams {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  inHW: readonly [number, number];
  outHW: readonly [number, number];
  /** Average pooling only: whether padding cells count in each window's divisor. */
  countIncludePad: boolean;
}

function geometry(N: number, C: number, p: PoolParams): PoolGeom {
  return {
    N, C, H: p.inHW[0], W: p.inHW[1], KH: p.kernel[0], KW: p.kernel[1], OH: p.outHW[0], OW: p.outHW[1],
    strideH: p.stride[0], strideW: p.stride[1], padH: p.padding[0], padW: p.padding[1], dilH: p.dilation[0], dilW: p.dilation[1],
  };
}

function view4(t: Tensor): View4 {
  const [s0, s1, s2, s3] = t.strides;
  return { data: t.buffer(), offset: t.offset, s0, s1, s2, s3 };
}

/** C-order values (kernels addressing flat in-plane positions need them): a copy only when strided. */
function flatData(t: Tensor): TypedArray {
  return t.isContiguous && t.offset === 0 ? t.buffer() : t.contiguousData(false);
}

const outShape = (t: Tensor, p: PoolParams) => [t.shape[0], t.shape[1], p.outHW[0], p.outHW[1]];
const inShape = (t: Tensor, p: PoolParams) => [t.shape[0], t.shape[1], p.inHW[0], p.inHW[1]];
const size4 = (s: number[]) => s[0] * s[1] * s[2] * s[3];

function maxPoolImpl(x: Tensor, p: PoolParams, idx: Int32Array | null, into: TypedArray | null = null): Tensor {
  const shape = outShape(x, p);
  const out = outputArray(into, x.dtype, size4(shape), [x]);
  maxPool(view4(x), geometry(x.shape[0], x.shape[1], p), out, idx);
  return fromBuffer(out, shape, x.dtype);
}

// A primitive of its own (int32, so a constant under every transform) rather than a read of
// the input's data: jit records it and replays it. Given the pooling's output as a second
// argument, it returns the positions the forward kernel found for it when it has them.
const positionsPrim = definePrimitive<PoolParams>({
  name: "max_pool2d_positions",
  impl: (args, p) => {
    const known = args.length > 1 ? positionsOf.get(args[1] as Tensor) : undefined;
    if (known !== undefined) return known;
    const x = toTensor(args[0]);
    const shape = outShape(x, p);
    const idx = new Int32Array(size4(shape));
    maxPoolImpl(x, p, idx);
    return fromBuffer(idx, shape, "int32");
  },
  nondiff: true,
});

/** The flat in-plane position of each window's maximum (a constant under every transform). */
export function maxPoolPositions(x: Arg, p: PoolParams, pooled?: Tensor): Tensor {
  return pooled === undefined ? bind1(positionsPrim, x, p) : bind2(positionsPrim, x, pooled, p);
}

/**
 * The argmax positions found by the forward kernel, by output: recording them costs little, and
 * the backward pass then need not scan the windows again. Weak keys: they go with the output.
 */
const positionsOf = new WeakMap<Tensor, Tensor>();

function maxPoolForward(x: Tensor, p: PoolParams, into: TypedArray | null = null): Tensor {
  const idx = new Int32Array(x.shape[0] * x.shape[1] * p.outHW[0] * p.outHW[1]);
  const out = maxPoolImpl(x, p, idx, into);
  positionsOf.set(out, fromBuffer(idx, out.shape, "int32"));
  return out;
}

/** Positions for an output: cached when `ans` is the forward kernel's own result, else recomputed. */
function positionsFor(ans: Tensor, x: Arg, p: PoolParams): Tensor {
  return positionsOf.get(ans) ?? maxPoolPositions(x, p, ans);
}

const maxPoolPrim = definePrimitive<PoolParams>({
  name: "max_pool2d",
  impl: (args, p) => maxPoolForward(toTensor(args[0]), p),
  impl1: (x, p) => maxPoolForward(toTensor(x), p),
  implInto: (args, p, out) => maxPoolForward(toTensor(args[0]), p, out),
  vjp: (g, ans, args, p) => {
    const positions = positionsFor(ans, args[0], p);
    const dx = maxPoolScatter(g, positions, p);
    const x = args[0];
    // Eager values only: a tracer's value is not final, and the record is a kernel shortcut.
    if (dx.trace === null && g.trace === null && typeof x !== "number" && x.trace === null && windowsDisjoint(p))
      recordScatterOrigin(dx, { gy: g, positions, pooled: ans, input: x });
    return unbroadcast(dx, x);
  },
  jvp: (t, ans, args, p) => fitTangent(maxPoolGather(t, positionsFor(ans, args[0], p), p), ans),
});

/** The CNN default: 2x2 windows at stride 2, no padding, no dilation. */
function plain2x2(p: PoolParams): boolean {
  const [kh, kw] = p.kernel, [sh, sw] = p.stride, [ph, pw] = p.padding, [dh, dw] = p.dilation;
  return kh === 2 && kw === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0 && dh === 1 && dw === 1;
}

/** Whether no input element lies in two windows (stride at least the dilated window extent). */
function windowsDisjoint(p: PoolParams): boolean {
  return p.stride[0] >= (p.kernel[0] - 1) * p.dilation[0] + 1 && p.stride[1] >= (p.kernel[1] - 1) * p.dilation[1] + 1;
}

const gatherPrim = definePrimitive<PoolParams>({
  name: "max_pool2d_gather",
  impl: (args, p) => {
    const t = toTensor(args[0]), idx = toTensor(args[1]);
    const shape = outShape(t, p);
    const out = allocArray(t.dtype, size4(shape));
    gatherPlanes(flatData(t), p.inHW[0] * p.inHW[1], idx.contiguousData(false) as Int32Array, shape[2] * shape[3], out);
    return fromBuffer(out, shape, t.dtype);
  },
  vjp: (g, _ans, args, p) => unbroadcast(maxPoolScatter(g, args[1], p), args[0]),
  jvp: (t, ans, args, p) => fitTangent(maxPoolGather(t, args[1], p), ans),
});

function scatterImpl(args: Arg[], p: PoolParams, into: TypedArray | null = null): Tensor {
  const g = toTensor(args[0]), idx = toTensor(args[1]);
  const shape = inShape(g, p);
  const dx = outputArray(into, g.dtype, size4(shape), args);
  if (dx === into) dx.fill(0); // the kernels add into it
  const positions = idx.contiguousData(false) as Int32Array;
  if (plain2x2(p)) scatterPlanes2x2(flatData(g), shape[2], shape[3], positions, p.outHW[0], p.outHW[1], dx);
  else scatterPlanes(flatData(g), shape[2] * shape[3], positions, p.outHW[0] * p.outHW[1], dx);
  return fromBuffer(dx, shape, g.dtype);
}

const scatterPrim = definePrimitive<PoolParams>({
  name: "max_pool2d_scatter",
  impl: scatterImpl,
  implInto: scatterImpl,
  vjp: (g, _ans, args, p) => unbroadcast(maxPoolGather(g, args[1], p), args[0]),
  jvp: (t, ans, args, p) => fitTangent(maxPoolScatter(t, args[1], p), ans),
});

/** Max pooling of a validated 4-d tensor (see nn.functional.maxPool2d). */
export function maxPool2dRaw(x: Arg, p: PoolParams): Tensor {
  return bind1(maxPoolPrim, x, p);
}

/** Picks t at the given window maxima: the tangent map of max pooling. */
export function maxPoolGather(t: Arg, idx: Arg, p: PoolParams): Tensor {
  return bind2(gatherPrim, t, idx, p);
}

/** Adds g into the positions of the window maxima: the adjoint of `maxPoolGather`. */
export function maxPoolScatter(g: Arg, idx: Arg, p: PoolParams): Tensor {
  return bind2(scatterPrim, g, idx, p);
}

/** Average pooling's output dtype: floats keep theirs, integers and bools average to float64. */
function avgDtype(t: Tensor): DType {
  return floatResult(t.dtype);
}

function avgImpl(x0: Tensor, p: PoolParams, transpose: boolean): Tensor {
  const dt = avgDtype(x0);
  const x = x0.dtype === dt ? x0 : fromBuffer(Float64Array.from(x0.contiguousData(false)), x0.shape, dt);
  const shape = transpose ? inShape(x, p) : outShape(x, p);
  const out = allocArray(dt, size4(shape));
  const src = transpose ? { data: flatData(x), offset: 0, s0: 0, s1: 0, s2: 0, s3: 1 } : view4(x);
  avgPool(src, geometry(x.shape[0], x.shape[1], p), p.countIncludePad, out, transpose);
  return fromBuffer(out, shape, dt);
}

const avgPoolPrim = definePrimitive<PoolParams>({
  name: "avg_pool2d",
  impl: (args, p) => avgImpl(toTensor(args[0]), p, false),
  impl1: (x, p) => avgImpl(toTensor(x), p, false),
  vjp: (g, _ans, args, p) => unbroadcast(avgPool2dTranspose(g, p), args[0]),
  jvp: (t, ans, _args, p) => fitTangent(avgPool2dRaw(t, p), ans),
});

const avgTransposePrim = definePrimitive<PoolParams>({
  name: "avg_pool2d_transpose",
  impl: (args, p) => avgImpl(toTensor(args[0]), p, true),
  impl1: (x, p) => avgImpl(toTensor(x), p, true),
  vjp: (g, _ans, args, p) => unbroadcast(avgPool2dRaw(g, p), args[0]),
  jvp: (t, ans, _args, p) => fitTangent(avgPool2dTranspose(t, p), ans),
});

/** Average pooling of a validated 4-d tensor (see nn.functional.avgPool2d). */
export function avgPool2dRaw(x: Arg, p: PoolParams): Tensor {
  return bind1(avgPoolPrim, x, p);
}

/** The adjoint of average pooling: each output gradient spread evenly over its window. */
export function avgPool2dTranspose(g: Arg, p: PoolParams): Tensor {
  return bind1(avgTransposePrim, g, p);
}
