import { Tensor } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";

/** An argument as primitives see it: a tensor (maybe traced) or a JS number (a weak scalar). */
export type Arg = Tensor | number;

/**
 * A primitive's reverse rule for argument `i`: the cotangent of `args[i]`, given the output's
 * cotangent `g`. Written in differentiable ops, so derivatives of any order follow. It must
 * return a value of exactly `args[i]`'s shape and dtype (see `unbroadcast` and `castLike`).
 */
export type VjpRule<P> = (g: Tensor, ans: Tensor, args: Arg[], params: P, i: number) => Tensor;
/** A primitive's forward rule for argument `i`: the output tangent caused by tangent `t` of `args[i]`. */
export type JvpRule<P> = (t: Tensor, ans: Tensor, args: Arg[], params: P, i: number) => Tensor;

/**
 * A primitive's batching rule (vmap): `args` are values one level down, `dims[i]` the batch axis
 * of args[i] (null when unbatched), `size` the batch size. Returns the batched output and its
 * batch axis (null for an unbatched output). See core/batch.ts.
 */
export type BatchRule<P> = (args: Arg[], dims: (number | null)[], params: P, size: number) => [Tensor, number | null];

export interface PrimitiveSpec<P> {
  name: string;
  /** Eager kernel on concrete arguments. */
  impl: (args: Arg[], params: P) => Tensor;
  /** Optional fixed-arity kernels: the eager fast path skips the argument array. */
  impl1?: (x: Arg, params: P) => Tensor;
  impl2?: (a: Arg, b: Arg, params: P) => Tensor;
  vjp?: VjpRule<P>;
  jvp?: JvpRule<P>;
  /**
   * A joint forward rule (tangents null where zero), for ops linear in several arguments where
   * one call beats a sum of per-argument calls.
   */
  jvpJoint?: (tangents: (Tensor | null)[], ans: Tensor, args: Arg[], params: P) => Tensor;
  /** The output is piecewise constant in the inputs: transforms treat it as a constant. */
  nondiff?: boolean;
  /** Batching rule for vmap (or register one with `defbatch` in core/batch.ts). */
  batch?: BatchRule<P>;
  /**
   * For elementwise primitives: the value of one output element from the inputs' elements,
   * computed in float64 (float32 results are rounded after). jit fuses such primitives.
   */
  scalarFn?: (...xs: number[]) => number;
  /**
   * `impl` writing its result into `out` (overwritten whatever it held) when `out` is exactly the
   * result's storage (length and array type) and overlaps no argument's storage, else allocating
   * as `impl` does; bitwise `impl`'s result either way. jit gives it a buffer it reuses from call
   * to call for a value that never reaches the caller.
   */
  implInto?: (args: Arg[], params: P, out: TypedArray) => Tensor;
}

export class Primitive<P = unknown> {
  readonly name: string;
  readonly impl: (args: Arg[], params: P) => Tensor;
  readonly impl1: ((x: Arg, params: P) => Tensor) | undefined;
  readonly impl2: ((a: Arg, b: Arg, params: P) => Tensor) | undefined;
  vjp: VjpRule<P> | undefined;
  jvp: JvpRule<P> | undefined;
  jvpJoint: PrimitiveSpec<P>["jvpJoint"];
  readonly nondiff: boolean;
  batch: BatchRule<P> | undefined;
  readonly scalarFn: ((...xs: number[]) => number) | undefined;
  readonly implInto: PrimitiveSpec<P>["implInto"];
  /** Set for primitives made by users with `primitive(fn)`; the registry sweep skips them. */
  readonly user: boolean;

  constructor(spec: PrimitiveSpec<P>, user = false) {
    this.name = spec.name;
    this.impl = spec.impl;
    this.impl1 = spec.impl1;
    this.impl2 = spec.impl2;
    this.vjp = spec.vjp;
    this.jvp = spec.jvp;
    this.jvpJoint = spec.jvpJoint;
    this.nondiff = spec.nondiff === true;
    this.batch = spec.batch;
    this.scalarFn = spec.scalarFn;
    this.implInto = spec.implInto;
    this.user = user;
  }
}

/** Every built-in primitive, by name: the test suite sweeps this registry. */
export const registry = new Map<string, Primitive<any>>();

export function definePrimitive<P = undefined>(spec: PrimitiveSpec<P>): Primitive<P> {
  if (registry.has(spec.name)) throw new Error(`internal: primitive ${spec.name} defined twice`);
  const p = new Primitive<P>(spec);
  registry.set(spec.name, p);
  return p;
}
