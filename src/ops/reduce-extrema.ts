import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { normalizeAxis } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind1 } from "../core/trace.js";
import { StridedRun, argmaxRun, argminRun, maxRun, minRun } from "../kernels/reduce.js";
import { shapeOf, toArg, toTensor } from "./args.js";
import { astype } from "./cast.js";
import { divide, equal, multiply } from "./arith.js";
import { where } from "./where.js";
import { Axis, ReduceOptions, ReduceParams, expandReduced, mergeReduceArgs, paramsOf, reduceStrided, reducedCount, sum } from "./reduce.js";

interface ExtremumParams extends ReduceParams {
  /** NumPy's `initial=`: a value taking part in every reduction (and the result of empty ones). */
  initial: number | undefined;
}

export interface ExtremumOptions extends ReduceOptions {
  initial?: number;
}

/**
 * The tie mask of a max/min (1 where an element equals its group's extremum) and the number of
 * ties per group. The gradient is shared equally among tied elements, as in HIPS autograd.
 */
function ties(x: Arg, ans: Tensor, p: ExtremumParams, keepdims: boolean): [Tensor, Tensor] {
  const shape = shapeOf(x);
  const mask = astype(equal(x, expandReduced(ans, shape, p)), ans.dtype);
  let count = sum(mask, { axis: p.axes, keepdims });
  // With `initial`, a group may have no element equal to the result: it gets no gradient.
  if (p.initial !== undefined) count = where(equal(count, 0), 1, count);
  return [mask, count];
}

function extremum(name: string, run: StridedRun, pick: (a: number, b: number) => number) {
  const prim = definePrimitive<ExtremumParams>({
    name,
    impl: (args, p) => {
      const x = toTensor(args[0]);
      const r = reduceStrided(x, p, x.dtype, reducedCount(x.shape, p.axes) === 0 ? () => p.initial! : run);
      if (p.initial === undefined) return r;
      const vals = r.contiguousData(true);
      for (let i = 0; i < vals.length; i++) vals[i] = pick(vals[i], p.initial);
      return fromBuffer(vals, r.shape, r.dtype);
    },
    vjp: (g, ans, args, p) => {
      const [mask, count] = ties(args[0], ans, p, true);
      return multiply(mask, divide(expandReduced(g, shapeOf(args[0]), p), count));
    },
    jvp: (t, ans, args, p) => {
      const [mask, count] = ties(args[0], ans, p, p.keepdims);
      return divide(sum(multiply(t, mask), { axis: p.axes, keepdims: p.keepdims }), count);
    },
  });
  const opName = name === "max" ? "maximum" : "minimum";
  return (x: ArrayLike, axis?: Axis | ExtremumOptions, keepdims?: boolean | ExtremumOptions): Tensor => {
    const o = mergeReduceArgs<ExtremumOptions>(axis, keepdims);
    const a = toArg(x);
    const p = paramsOf(a, o, name);
    if (o.initial !== undefined && typeof o.initial !== "number")
      throw new ArgumentError(`${name}: initial must be a number, got ${JSON.stringify(o.initial)}`);
    const shape = shapeOf(a);
    let outSize = 1;
    for (let i = 0; i < shape.length; i++) if (!p.axes.includes(i)) outSize *= shape[i];
    if (o.initial === undefined && reducedCount(shape, p.axes) === 0 && outSize > 0)
      throw new ShapeError(
        `${name}: zero-size array to reduction operation ${opName} which has no identity (shape ${fmtShape(shape)}, axis ${JSON.stringify(o.axis ?? null)}); pass {initial} or reduce a non-empty selection`,
      );
    return bind1(prim, a, { ...p, initial: o.initial });
  };
}

/** `np.max(x, axis?, keepdims?)` / `np.amax` (options `{axis, keepdims, initial}`); NaN propagates. */
export const max = extremum("max", maxRun, (a, b) => (a !== a || a >= b ? a : b));
/** `np.min(x, axis?, keepdims?)` / `np.amin` (options `{axis, keepdims, initial}`); NaN propagates. */
export const min = extremum("min", minRun, (a, b) => (a !== a || a <= b ? a : b));

interface ArgParams {
  axes: number[];
  keepdims: boolean;
}

export interface ArgExtremumOptions {
  axis?: number | null;
  keepdims?: boolean;
}

function argExtremum(name: string, run: StridedRun) {
  const prim = definePrimitive<ArgParams>({
    name,
    impl: (args, p) => reduceStrided(toTensor(args[0]), p, "int32", run, false),
    nondiff: true,
  });
  return (x: ArrayLike, axis?: number | null | ArgExtremumOptions, keepdims?: boolean): Tensor => {
    const o: ArgExtremumOptions = axis !== null && typeof axis === "object" && !Array.isArray(axis) ? axis : { axis: axis as number | null | undefined, keepdims };
    if (o.axis !== undefined && o.axis !== null && typeof o.axis !== "number")
      throw new ArgumentError(`${name}: axis must be a single integer or null, got ${JSON.stringify(o.axis)}`);
    const a = toArg(x);
    const shape = shapeOf(a);
    const axes = o.axis === undefined || o.axis === null ? shape.map((_, i) => i) : [normalizeAxis(o.axis, shape.length, name)];
    if (reducedCount(shape, axes) === 0)
      throw new ShapeError(`${name}: attempt to get ${name} of an empty sequence (shape ${fmtShape(shape)}, axis ${JSON.stringify(o.axis ?? null)})`);
    return bind1(prim, a, { axes, keepdims: o.keepdims === true });
  };
}

/** `np.argmax(x, axis?, {keepdims})`: int32 index of the first maximum (over the flattened array without an axis). */
export const argmax = argExtremum("argmax", argmaxRun);
/** `np.argmin(x, axis?, {keepdims})`: int32 index of the first minimum. */
export const argmin = argExtremum("argmin", argminRun);
