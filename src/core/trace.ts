import { Tensor, Tracing } from "../tensor/tensor.js";
import { ArgumentError } from "../errors.js";
import { Arg, Primitive } from "./primitive.js";

/**
 * An interpreter of primitives. Each active transform owns one trace; its level orders nested
 * transforms (the innermost has the highest level), which is what keeps closures over outer
 * tracers correct.
 */
export abstract class Trace {
  readonly level: number;
  active = true;
  constructor(level: number) {
    this.level = level;
  }
  abstract process(prim: Primitive<any>, args: Arg[], params: unknown): Tensor;
}

let depth = 0;

/** Opens a new transform level; `close` must be called in a finally. */
export function nextLevel(): number {
  return ++depth;
}
/** How many transforms are active (0 when nothing is traced). */
export function traceDepth(): number {
  return depth;
}
export function closeLevel(trace: Trace): void {
  trace.active = false;
  depth--;
}

function topTrace(args: Arg[]): Trace | null {
  let top: Trace | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (typeof a !== "number" && a.trace !== null) {
      const t = a.trace as Trace;
      if (top === null || t.level > top.level) top = t;
    }
  }
  if (top !== null && !top.active) throw escapedError();
  return top;
}

function escapedError(): Error {
  return new ArgumentError(
    "a traced value was used after its transform returned (it escaped, e.g. through a closure or a global); " +
      "return it from the transformed function instead",
  );
}

/** The single dispatch point: eager kernel when nothing is traced, else the innermost trace. */
export function bind<P>(prim: Primitive<P>, args: Arg[], params: P): Tensor {
  const top = topTrace(args);
  if (top === null) return prim.impl(args, params);
  return top.process(prim, args, params);
}

export function bind1<P>(prim: Primitive<P>, x: Arg, params: P): Tensor {
  if (typeof x === "number" || x.trace === null)
    return prim.impl1 !== undefined ? prim.impl1(x, params) : prim.impl([x], params);
  const t = x.trace as Trace;
  if (!t.active) throw escapedError();
  return t.process(prim, [x], params);
}

export function bind2<P>(prim: Primitive<P>, a: Arg, b: Arg, params: P): Tensor {
  const ta = typeof a === "number" ? null : (a.trace as Trace | null);
  const tb = typeof b === "number" ? null : (b.trace as Trace | null);
  if (ta === null && tb === null)
    return prim.impl2 !== undefined ? prim.impl2(a, b, params) : prim.impl([a, b], params);
  const t = ta === null ? (tb as Trace) : tb === null || ta.level >= tb.level ? ta : tb;
  if (!t.active) throw escapedError();
  return t.process(prim, [a, b], params);
}

/** A tracer of `trace` wrapping `primal`; shape and dtype are the primal's. */
export function makeTracer(trace: Trace, primal: Tensor): Tensor {
  const t = new Tensor(primal.dtype, primal.shape, primal.strides, 0, null, 0, primal.weak);
  t.tr = new Tracing(trace, primal, null);
  return t;
}
