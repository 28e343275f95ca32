import { Tensor } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import type { DType } from "../tensor/dtype.js";
import { ArrayLike } from "../tensor/create.js";
import { Fn1, Fn2 } from "../kernels/elementwise.js";
import { Arg, JvpRule, VjpRule, definePrimitive } from "../core/primitive.js";
import { bind1, bind2 } from "../core/trace.js";
import { dtypeOf, toArg } from "./args.js";
import { OutKind, binaryDtypes, binaryKernel, fusedUnaryVjp, outDtype, sameShapeKernel, unaryKernel, unitView } from "./kernel-wrap.js";
import { fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { shapesEqual } from "../tensor/shape.js";
import { fitTangent, unbroadcast } from "./grad-util.js";
import { VjpExpr, WASM_MIN_SIZE, binaryWasm, unaryWasm, vjpWasm } from "./elementwise-wasm.js";

export interface UnarySpec {
  /** Output dtype: "float" for transcendental functions (ints go to float64), "same", or "bool". */
  out: OutKind;
  /** Cotangent of x from the output cotangent g (x is the input, ans the output). */
  vjp?: (g: Tensor, ans: Tensor, x: Arg) => Tensor;
  /** Output tangent from the input tangent t. Defaults to the VJP rule (right for elementwise ops). */
  jvp?: (t: Tensor, ans: Tensor, x: Arg) => Tensor;
  nondiff?: boolean;
  /**
   * The VJP per element, `(g, ans, x, round) => cotangent`, for the fused first-order fast path
   * (kernel-wrap.ts `fusedUnaryVjp`). It must compute what `vjp` computes, calling `round` on
   * every intermediate the rule's ops would store (Math.fround in float32, identity in float64).
   */
  fusedVjp?: (g: number, ans: number, x: number, round: (v: number) => number) => number;
  /**
   * `fusedVjp` as fused ops (arithmetic and sqrt only), for arrays of >= 4096 elements, which it
   * runs through WebAssembly SIMD: same operations, same order, same bits (elementwise-wasm.ts).
   */
  wasmVjp?: VjpExpr;
}

/** An elementwise unary primitive and its user-facing function. */
export function unaryOp(name: string, fn: Fn1, spec: UnarySpec): (x: ArrayLike) => Tensor {
  const impl1 = (x: Arg): Tensor =>
    (typeof x !== "number" && x.kind < 2 && x.size >= WASM_MIN_SIZE ? unaryWasm(name, x) : null) ??
    unaryKernel(x, outDtype(spec.out, dtypeOf(x)), fn);
  const vjp = spec.vjp;
  const jvp = spec.jvp ?? vjp;
  const fused = spec.fusedVjp;
  const wasmVjp = spec.wasmVjp;
  // The one-pass first-order rule: through Wasm for large arrays when the op has it, else JS.
  const onePass = (g: Tensor, ans: Tensor, x: Arg): Tensor | null =>
    (wasmVjp !== undefined && ans.size >= WASM_MIN_SIZE ? vjpWasm(name, wasmVjp, g, ans, x) : null) ??
    (fused ? fusedUnaryVjp(fused, g, ans, x) : null);
  const prim = definePrimitive<undefined>({
    name,
    impl: (args) => impl1(args[0]),
    impl1,
    vjp:
      vjp &&
      ((g, ans, args) => {
        const r = onePass(g, ans, args[0]);
        return r ?? unbroadcast(vjp(g, ans, args[0]), args[0]);
      }),
    // The default JVP is the VJP formula applied to the tangent, so the fused pass serves it too.
    jvp:
      jvp &&
      ((t, ans, args) => {
        const r = spec.jvp === undefined ? onePass(t, ans, args[0]) : null;
        return r ?? fitTangent(jvp(t, ans, args[0]), ans);
      }),
    nondiff: spec.nondiff,
    scalarFn: fn,
  });
  const general = (x: ArrayLike): Tensor => bind1(prim, toArg(x), undefined);
  return eagerEntry1(fn, spec.out, general);
}

export interface BinarySpec {
  out: OutKind;
  /** Cotangent of argument i (0 or 1), before unbroadcasting: `unbroadcast` is applied for you. */
  vjp?: (g: Tensor, ans: Tensor, a: Arg, b: Arg, i: number) => Tensor;
  /** Tangent contribution of argument i; defaults to the VJP rule (right for elementwise ops). */
  jvp?: (t: Tensor, ans: Tensor, a: Arg, b: Arg, i: number) => Tensor;
  nondiff?: boolean;
  /**
   * A value that leaves the other operand unchanged from either side (1 for multiply): an
   * operand equal to it everywhere gives a view of the other operand, not a copy.
   */
  unit?: number;
}

/** A broadcasting binary primitive; its VJP results are unbroadcast to each argument's shape and dtype. */
export function binaryOp(
  name: string,
  fn: Fn2,
  spec: BinarySpec,
): (a: ArrayLike, b: ArrayLike) => Tensor {
  const kind = spec.out;
  const unit = spec.unit;
  const impl2 = (a: Arg, b: Arg): Tensor => {
    // Fast paths first (V8 optimizes these small tests well): equal dtypes, or a float64
    // tensor meeting a JS number, with both operands 0-d or same-shape contiguous.
    if (typeof a !== "number") {
      if (typeof b !== "number") {
        if (a.kind === b.kind && a.kind < 4) {
          const dt = kind === "bool" ? "bool" : kind === "same" || a.dtype === "float32" ? a.dtype : "float64";
          if (a.shape.length === 0 && b.shape.length === 0) return scalarTensor(fn(a.scalar, b.scalar), dt);
          if (a.size === b.size && shapesEqual(a.shape, b.shape) && a.isContiguous && b.isContiguous)
            return (a.size >= WASM_MIN_SIZE && a.kind < 2 ? binaryWasm(name, a, b) : null) ?? sameShapeKernel(a, b, dt, fn);
        }
      } else if (a.dtype === "float64" && a.shape.length === 0 && kind !== "bool") return scalarTensor(fn(a.scalar, b), "float64");
    } else if (typeof b !== "number" && b.dtype === "float64" && b.shape.length === 0 && kind !== "bool")
      return scalarTensor(fn(a, b.scalar), "float64");
    const [calc, out] = binaryDtypes(a, b, kind);
    if (unit !== undefined) {
      const v = unitView(a, b, unit, out) ?? unitView(b, a, unit, out);
      if (v !== null) return v;
    }
    const big = typeof a === "number" ? (b as Tensor).size : typeof b === "number" ? a.size : Math.max(a.size, b.size);
    return (big >= WASM_MIN_SIZE ? binaryWasm(name, a, b) : null) ?? binaryKernel(a, b, calc, out, fn, name);
  };
  const vjp = spec.vjp;
  const jvp = spec.jvp ?? vjp;
  const vjpRule: VjpRule<undefined> | undefined =
    vjp && ((g, ans, args, _p, i) => unbroadcast(vjp(g, ans, args[0], args[1], i), args[i]));
  const jvpRule: JvpRule<undefined> | undefined =
    jvp && ((t, ans, args, _p, i) => fitTangent(jvp(t, ans, args[0], args[1], i), ans));
  const prim = definePrimitive<undefined>({
    name,
    impl: (args) => impl2(args[0], args[1]),
    impl2,
    vjp: vjpRule,
    jvp: jvpRule,
    nondiff: spec.nondiff,
    scalarFn: fn,
  });
  const general = (a: ArrayLike, b: ArrayLike): Tensor => bind2(prim, toArg(a), toArg(b), undefined);
  return eagerEntry(fn, kind, general);
}

// ---- per-op entry points ----
// Closures made by one factory share V8's call-site feedback: once a program has used several
// binary ops, the `fn(x, y)` call inside a shared entry sees them all, stops being inlined, and
// every eager 0-d op pays ~3-4 ns more. So each op gets an entry of its own, compiled from source
// text (with a unique comment: V8 caches compiled code by source text), whose first lines are the
// eager 0-d fast path; everything else goes to the general path. Where generating code is
// forbidden (a Content-Security-Policy without 'unsafe-eval'), the shared closure serves.

/** Output dtype of a 0-d fast-path result, by out kind, indexed by the operands' dtype code. */
const OUT_DTYPES: Record<OutKind, readonly DType[]> = {
  same: ["float64", "float32", "int32", "bool"],
  float: ["float64", "float32", "float64", "float64"],
  bool: ["bool", "bool", "bool", "bool"],
};

function eagerEntrySource(): string {
  // Small same-shape contiguous operands run their loop in a second per-op function (SMALL
  // elements at most), so that loop's call of `fn` is this op's alone and its optimization does
  // not depend on the 0-d path's; bool results store truth values.
  return `(a, b) => {
    if (a instanceof Tensor && b instanceof Tensor && a.tr === null && b.tr === null && a.kind === b.kind && a.kind < 4) {
      if (a.shape.length === 0 && b.shape.length === 0) return scalarTensor(fn(a.scalar, b.scalar), out[a.kind]);
      if (a.size <= SMALL) {
        const r = small(a, b);
        if (r !== null) return r;
      }
    }
    return general(a, b);
  }`;
}

function smallLoopSource(): string {
  return `(a, b) => {
    const n = a.size;
    const sa = a.shape, sb = b.shape;
    // 1-d operands: one stride compare each instead of the general contiguity walk.
    if (sa.length === 1 && sb.length === 1) {
      if (sb[0] !== n || (a.strides[0] !== 1 && n > 1) || (b.strides[0] !== 1 && n > 1)) return null;
    } else if (n !== b.size || !shapesEqual(sa, sb) || !a.isContiguous || !b.isContiguous) return null;
    const dt = out[a.kind];
    const dst = allocArray(dt, n), x = a.buffer(), y = b.buffer(), oa = a.offset, ob = b.offset;
    if (dt === "bool") for (let i = 0; i < n; i++) dst[i] = fn(x[oa + i], y[ob + i]) !== 0 ? 1 : 0;
    else for (let i = 0; i < n; i++) dst[i] = fn(x[oa + i], y[ob + i]);
    return fromBuffer(dst, a.shape, dt);
  }`;
}

let entries = 0;
let entryCodegen = true;

function eagerEntry(fn: Fn2, kind: OutKind, general: (a: ArrayLike, b: ArrayLike) => Tensor): (a: ArrayLike, b: ArrayLike) => Tensor {
  if (entryCodegen) {
    try {
      const makeSmall = new Function(
        "fromBuffer", "allocArray", "shapesEqual", "fn", "out",
        `"use strict"; /* entry ${++entries} */ return ${smallLoopSource()};`,
      );
      const small = makeSmall(fromBuffer, allocArray, shapesEqual, fn, OUT_DTYPES[kind]);
      const make = new Function(
        "Tensor", "scalarTensor", "SMALL", "small", "fn", "out", "general",
        `"use strict"; /* entry ${++entries} */ return ${eagerEntrySource()};`,
      );
      return make(Tensor, scalarTensor, 16, small, fn, OUT_DTYPES[kind], general) as (a: ArrayLike, b: ArrayLike) => Tensor;
    } catch {
      entryCodegen = false;
    }
  }
  return general;
}

function eagerEntry1(fn: Fn1, kind: OutKind, general: (x: ArrayLike) => Tensor): (x: ArrayLike) => Tensor {
  if (entryCodegen) {
    try {
      const make = new Function(
        "Tensor", "scalarTensor", "fn", "out", "general",
        `"use strict"; /* entry ${++entries} */ return (x) =>
          x instanceof Tensor && x.tr === null && x.kind < 4 && x.shape.length === 0
            ? scalarTensor(fn(x.scalar), out[x.kind])
            : general(x);`,
      );
      return make(Tensor, scalarTensor, fn, OUT_DTYPES[kind], general) as (x: ArrayLike) => Tensor;
    } catch {
      entryCodegen = false;
    }
  }
  return general;
}
