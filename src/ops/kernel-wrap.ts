import { Tensor, copyStridedInto, fromBuffer, scalarTensor, viewOf } from "../tensor/tensor.js";
import { DType, TypedArray, allocArray, castValue, floatResult } from "../tensor/dtype.js";
import { broadcastShapes, shapeSize } from "../tensor/shape.js";
import { Fn1, Fn2, Fn3Round, map1Contig, map1InPlace, map2Contig, map2Strided, map3Round } from "../kernels/elementwise.js";
import { shapesEqual } from "../tensor/shape.js";
import { Arg } from "../core/primitive.js";
import { resultDtype } from "./args.js";

/** How an elementwise op's output dtype follows from its (promoted) input dtype. */
export type OutKind = "same" | "float" | "bool";

export function outDtype(kind: OutKind, d: DType): DType {
  return kind === "same" ? d : kind === "float" ? floatResult(d) : "bool";
}

/** Strides of `t` broadcast to `shape` (0 on broadcast axes). */
export function broadcastStrides(tShape: readonly number[], tStrides: readonly number[], shape: readonly number[]): number[] {
  const nd = shape.length;
  const lead = nd - tShape.length;
  const st = new Array<number>(nd);
  for (let i = 0; i < nd; i++) st[i] = i < lead || tShape[i - lead] === 1 ? 0 : tStrides[i - lead];
  return st;
}

/** Runs `fn` over a concrete tensor, giving a fresh contiguous tensor of dtype `dt`. */
export function unaryKernel(x: Arg, dt: DType, fn: Fn1): Tensor {
  if (typeof x === "number") return scalarTensor(fn(x), dt);
  if (x.shape.length === 0) return scalarTensor(fn(x.scalar), dt);
  const n = x.size;
  const buf = x.buffer();
  let dst: TypedArray;
  if (x.isContiguous) {
    dst = allocArray(dt, n);
    map1Contig(buf, x.offset, n, dst, fn);
  } else if (dt === x.dtype) {
    dst = allocArray(dt, n);
    copyStridedInto(buf, x.offset, x.shape, x.strides, dst);
    map1InPlace(dst, n, fn);
  } else {
    const tmp = allocArray(x.dtype, n);
    copyStridedInto(buf, x.offset, x.shape, x.strides, tmp);
    dst = allocArray(dt, n);
    map1Contig(tmp, 0, n, dst, fn);
  }
  return fromBuffer(dst, x.shape, dt);
}

const ZERO_STRIDES: number[] = [];
const ZERO_STRIDE = [0];
const UNIT_STRIDE = [1];

/** Two contiguous operands of one shape: a flat loop. */
export function sameShapeKernel(a: Tensor, b: Tensor, dt: DType, fn0: Fn2): Tensor {
  const fn = dt === "bool" ? boolify(fn0) : fn0;
  const n = a.size;
  const dst = allocArray(dt, n);
  map2Contig(fn, a.buffer(), a.offset, b.buffer(), b.offset, n, dst);
  return fromBuffer(dst, a.shape, dt);
}

/**
 * Broadcasting binary kernel: `fn` sees values already cast to the computation dtype `calc`
 * (so a weak scalar meets a float32 array as a float32, as in NumPy), writes dtype `dt`.
 */
/** bool outputs store truth values (NumPy: True + True is True). */
function boolify(fn: Fn2): Fn2 {
  let w = boolified.get(fn);
  if (w === undefined) {
    w = (x, y) => (fn(x, y) !== 0 ? 1 : 0);
    boolified.set(fn, w);
  }
  return w;
}
// One wrapper per function, so the kernels' per-function loops (kernels/elementwise.ts) apply.
const boolified = new WeakMap<Fn2, Fn2>();

export function binaryKernel(a: Arg, b: Arg, calc: DType, dt: DType, fn0: Fn2, op: string): Tensor {
  const fn = dt === "bool" ? boolify(fn0) : fn0;
  const a0 = typeof a === "number" || a.shape.length === 0;
  const b0 = typeof b === "number" || b.shape.length === 0;
  if (a0 && b0) {
    const av = typeof a === "number" ? castValue(a, calc) : a.scalar;
    const bv = typeof b === "number" ? castValue(b, calc) : b.scalar;
    return scalarTensor(fn(av, bv), dt);
  }
  const sa = typeof a === "number" ? ZERO_STRIDES : a.shape;
  const sb = typeof b === "number" ? ZERO_STRIDES : b.shape;
  const shape = broadcastShapes(sa, sb, op);
  const n = shapeSize(shape);
  const dst = allocArray(dt, n);
  let bufA: TypedArray, offA: number, stA: number[];
  let bufB: TypedArray, offB: number, stB: number[];
  if (typeof a === "number" || a.shape.length === 0) {
    bufA = Float64Array.of(typeof a === "number" ? castValue(a, calc) : a.scalar);
    offA = 0;
    stA = new Array(shape.length).fill(0);
  } else {
    bufA = a.buffer();
    offA = a.offset;
    stA = broadcastStrides(a.shape, a.strides, shape);
  }
  if (typeof b === "number" || b.shape.length === 0) {
    bufB = Float64Array.of(typeof b === "number" ? castValue(b, calc) : b.scalar);
    offB = 0;
    stB = new Array(shape.length).fill(0);
  } else {
    bufB = b.buffer();
    offB = b.offset;
    stB = broadcastStrides(b.shape, b.strides, shape);
  }
  // A full-size contiguous operand runs as one flat loop whatever the rank; the other operand
  // is then either the same (both full) or a scalar, hoisted out of the loop by the kernel.
  const fullA = !a0 && (a as Tensor).size === n && (a as Tensor).isContiguous;
  const fullB = !b0 && (b as Tensor).size === n && (b as Tensor).isContiguous;
  if ((fullA && (fullB || b0)) || (a0 && fullB)) map2Strided(fn, bufA, offA, a0 ? ZERO_STRIDE : UNIT_STRIDE, bufB, offB, b0 ? ZERO_STRIDE : UNIT_STRIDE, [n], dst);
  else map2Strided(fn, bufA, offA, stA, bufB, offB, stB, shape, dst);
  return fromBuffer(dst, shape, dt);
}

/** The dtype a binary op computes in and the dtype it returns. */
export function binaryDtypes(a: Arg, b: Arg, kind: OutKind): [calc: DType, out: DType] {
  const d = resultDtype(a, b);
  return [kind === "float" ? floatResult(d) : d, outDtype(kind, d)];
}

/**
 * A unary op's cotangent `g * f'(x)` in one pass, for a first-order backward pass where `g`, the
 * output `ans` and the input `x` are all concrete tensors of one float dtype: one array instead of
 * the two or three temporaries of the rule written in ops. `fn` rounds every intermediate with
 * the `round` it is given (Math.fround in float32) as that rule's ops do, so the result is
 * bit-identical to it. Null when the fast path does not apply (a tracer, mixed dtypes, a number
 * input): the caller then runs the rule.
 */
export function fusedUnaryVjp(fn: Fn3Round, g: Tensor, ans: Tensor, x: Arg): Tensor | null {
  if (typeof x === "number" || g.trace !== null || ans.trace !== null || x.trace !== null) return null;
  const dt = ans.dtype;
  if ((dt !== "float32" && dt !== "float64") || x.dtype !== dt || g.dtype !== dt) return null;
  const round = dt === "float32" ? Math.fround : identity;
  const shape = ans.shape;
  if (shape.length === 0) return scalarTensor(fn(g.scalar, ans.scalar, x.scalar, round), dt);
  if (!shapesEqual(g.shape, shape) || !shapesEqual(x.shape, shape)) return null;
  const n = ans.size;
  const dst = allocArray(dt, n);
  const gb = g.buffer(), ab = ans.buffer(), xb = x.buffer();
  if (ans.isContiguous && x.isContiguous && (g.isContiguous || isBroadcastScalar(g))) {
    // One flat run, whatever the rank (a broadcast scalar cotangent has stride 0).
    const flat = [n];
    map3Round(fn, round, gb, g.offset, g.isContiguous ? UNIT : ZERO, ab, ans.offset, UNIT, xb, x.offset, UNIT, flat, dst);
  } else map3Round(fn, round, gb, g.offset, g.strides, ab, ans.offset, ans.strides, xb, x.offset, x.strides, shape, dst);
  return fromBuffer(dst, shape, dt);
}

const identity = (v: number): number => v;
const UNIT = [1];
const ZERO = [0];

function isBroadcastScalar(t: Tensor): boolean {
  for (let i = 0; i < t.strides.length; i++) if (t.strides[i] !== 0) return false;
  return true;
}

/**
 * When `s` equals `unit` everywhere (a number, a 0-d tensor or a broadcast scalar, such as the
 * cotangent `sum` hands back) and the result would have `t`'s shape and dtype, `op(s, t)` is `t`
 * unchanged: returns a new view of `t` instead of a copy. Otherwise null.
 */
export function unitView(s: Arg, t: Arg, unit: number, out: DType): Tensor | null {
  if (typeof t === "number" || t.shape.length === 0 || t.dtype !== out) return null;
  if (typeof s === "number") {
    if (s !== unit) return null;
  } else {
    const nd = s.shape.length;
    if (nd === 0) {
      if (s.scalar !== unit) return null;
    } else {
      const lead = t.shape.length - nd;
      if (lead < 0) return null;
      for (let i = 0; i < nd; i++) if (s.strides[i] !== 0 || (s.shape[i] !== 1 && s.shape[i] !== t.shape[lead + i])) return null;
      if (s.buffer()[s.offset] !== unit) return null;
    }
  }
  return viewOf(t, t.shape.slice(), t.strides.slice(), t.offset);
}
