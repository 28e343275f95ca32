import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { ReverseTrace, RNode, backwardTape, seed } from "../core/reverse.js";
import { closeLevel, nextLevel } from "../core/trace.js";
import { isPlainObject, treeFlatten, treeUnflatten, TreeDef } from "../core/pytree.js";
import { astype } from "../ops/cast.js";
import { zerosLike, onesLike } from "../ops/fill.js";
import { toTensor } from "../ops/args.js";
import { DiffArg, flattenLike, readArgnums, readDiffArg, rebuild } from "./inputs.js";
import { asCall } from "./types.js";
import type { Argnums, AuxOf, Fn, GradAt, GradsOf, Loose, LooseParams, TangentOf, ValueOf } from "./types.js";

/** The result of running a function under a reverse trace: its output and a reusable pullback. */
export interface Linearized {
  /** The output with this level's tracers unwrapped (a pytree). */
  out: unknown;
  outLeaves: (Tensor | number)[];
  outDef: TreeDef;
  /** Cotangents (one per output leaf, null for zero) to gradients (per differentiated argument, per leaf). */
  pullbackLeaves: (cts: (Tensor | null)[]) => Tensor[][];
  diffArgs: DiffArg[];
  aux: unknown;
}

function unwrapAt(trace: ReverseTrace, leaf: Tensor | number): Tensor | number {
  return typeof leaf !== "number" && leaf.trace === trace ? (leaf.primal as Tensor) : leaf;
}

/** The aux value with this level's tracers unwrapped; any other value (strings, ...) passes through. */
function unwrapAux(trace: ReverseTrace, v: unknown): unknown {
  if (v instanceof Tensor) return unwrapAt(trace, v);
  if (Array.isArray(v)) return v.map((x) => unwrapAux(trace, x));
  if (isPlainObject(v)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = unwrapAux(trace, v[k]);
    return o;
  }
  return v;
}

/** Runs `f` with the `argnums` arguments traced in reverse mode. */
export function linearize(
  f: Fn,
  args: unknown[],
  argnums: number[],
  op: string,
  hasAux = false,
): Linearized {
  const diffArgs = argnums.map((k) => readDiffArg(args[k], op, k));
  const trace = new ReverseTrace(nextLevel());
  let raw: unknown;
  const leafNodes: RNode[][] = [];
  try {
    const call = args.slice();
    argnums.forEach((k, j) => {
      const tracers = diffArgs[j].leaves.map((l) => trace.leaf(l));
      leafNodes.push(tracers.map((t) => t.node as RNode));
      call[k] = treeUnflatten(diffArgs[j].def, tracers);
    });
    raw = asCall(f)(...call);
  } finally {
    closeLevel(trace);
  }
  let aux: unknown = undefined;
  if (hasAux) {
    if (!Array.isArray(raw) || raw.length !== 2)
      throw new ArgumentError(`${op}: with hasAux, the function must return [value, aux]`);
    aux = unwrapAux(trace, raw[1]);
    raw = raw[0];
  }
  const [outTraced, outDef] = treeFlatten(raw);
  const outLeaves = outTraced.map((l) => unwrapAt(trace, l));
  const tape = trace.tape;
  const pullbackLeaves = (cts: (Tensor | null)[]): Tensor[][] => {
    // Seed the outputs' nodes, walk the tape backwards once, then read the leaves.
    for (let i = 0; i < outTraced.length; i++) {
      const o = outTraced[i];
      const c = cts[i];
      if (c === null || typeof o === "number" || o.trace !== trace) continue;
      seed(o.node as RNode, c);
    }
    backwardTape(tape);
    return leafNodes.map((nodes) =>
      nodes.map((node) => {
        const c = node.ct;
        node.ct = null;
        if (c === null) return zerosLike(node.ans);
        return c.dtype === node.ans.dtype ? c : astype(c, node.ans.dtype);
      }),
    );
  };
  return { out: treeUnflatten(outDef, outLeaves), outLeaves, outDef, pullbackLeaves, diffArgs, aux };
}

/** Checks a scalar output for grad and returns it as a tensor. */
function scalarOut(lin: Linearized, op: string): Tensor {
  if (lin.outLeaves.length !== 1)
    throw new ShapeError(`${op}: the function must return a single scalar, got a pytree with ${lin.outLeaves.length} leaves`);
  const o = toTensor(lin.outLeaves[0]);
  if (o.size !== 1)
    throw new ShapeError(
      `${op}: the function must return a scalar (size-1) output, got shape ${fmtShape(o.shape)}; ` +
        `use elementwiseGrad, jacobian or vjp for non-scalar outputs`,
    );
  if (!isFloat(o.dtype))
    throw new DTypeError(`${op}: the function's output has dtype ${o.dtype}; grad needs a float output`);
  return o;
}

export interface GradOptions<N extends Argnums = Argnums> {
  argnums?: N;
  hasAux?: boolean;
}

function gradOpts(o: Argnums | GradOptions | undefined): GradOptions {
  if (o === undefined || typeof o === "number" || Array.isArray(o)) return { argnums: o as Argnums | undefined };
  if (typeof o !== "object" || o === null) throw new ArgumentError(`grad: argnums must be a number, an array of numbers or an options object`);
  return o as GradOptions;
}

function gradsOf(lin: Linearized, ct: Tensor, single: boolean): unknown {
  const g = lin.pullbackLeaves([ct]);
  const per = lin.diffArgs.map((a, j) => rebuild(a, g[j]));
  return single ? per[0] : per;
}

/** Shared body of grad and valueAndGrad. */
function valueAndGradImpl(f: Fn, o: GradOptions, op: string, args: unknown[]): [unknown, unknown] {
  const [argnums, single] = readArgnums(o.argnums, args.length, op);
  const lin = linearize(f, args, argnums, op, o.hasAux === true);
  const out = scalarOut(lin, op);
  const grads = gradsOf(lin, onesLike(out), single);
  const value = typeof lin.outLeaves[0] === "number" ? lin.outLeaves[0] : out;
  return [o.hasAux ? [value, lin.aux] : value, grads];
}

/**
 * `grad(f, argnums?)` or `grad(f, {argnums, hasAux})`: the gradient of a scalar-valued `f`,
 * shaped like the argument(s) (a number for a number, a tuple for an argnums array). With
 * `hasAux`, `f` returns `[value, aux]` and the result is `[grad, aux]`.
 */
export function grad<F extends Fn, const N extends Argnums = 0>(
  f: F,
  opts: GradOptions<N> & { hasAux: true },
): <A extends LooseParams<F>>(...args: A) => NoInfer<[GradAt<A, N>, AuxOf<F>]>;
export function grad<F extends Fn, const N extends Argnums = 0>(
  f: F,
  opts: GradOptions<N> & { hasAux?: false },
): <A extends LooseParams<F>>(...args: A) => NoInfer<GradAt<A, N>>;
export function grad<F extends Fn, const N extends Argnums = 0>(
  f: F,
  argnums?: N,
): <A extends LooseParams<F>>(...args: A) => NoInfer<GradAt<A, N>>;
export function grad(f: Fn, argnums?: Argnums | GradOptions): (...args: unknown[]) => unknown {
  const o = gradOpts(argnums);
  return (...args: unknown[]) => {
    const [value, grads] = valueAndGradImpl(f, o, "grad", args);
    return o.hasAux ? [grads, (value as unknown[])[1]] : grads;
  };
}

/** `valueAndGrad(f, argnums?)`: `[value, grad]` (with hasAux `[[value, aux], grad]`). */
export function valueAndGrad<F extends Fn, const N extends Argnums = 0>(
  f: F,
  opts: GradOptions<N> & { hasAux: true },
): <A extends LooseParams<F>>(...args: A) => NoInfer<[[ValueOf<F>, AuxOf<F>], GradAt<A, N>]>;
export function valueAndGrad<F extends Fn, const N extends Argnums = 0>(
  f: F,
  opts: GradOptions<N> & { hasAux?: false },
): <A extends LooseParams<F>>(...args: A) => NoInfer<[ReturnType<F>, GradAt<A, N>]>;
export function valueAndGrad<F extends Fn, const N extends Argnums = 0>(
  f: F,
  argnums?: N,
): <A extends LooseParams<F>>(...args: A) => NoInfer<[ReturnType<F>, GradAt<A, N>]>;
export function valueAndGrad(f: Fn, argnums?: Argnums | GradOptions): (...args: unknown[]) => [unknown, unknown] {
  const o = gradOpts(argnums);
  return (...args: unknown[]) => valueAndGradImpl(f, o, "valueAndGrad", args);
}

/** `elementwiseGrad(f, argnums?)`: the gradient of `sum(f(x))` (for elementwise f, the derivative at each point). */
export function elementwiseGrad<F extends Fn, const N extends Argnums = 0>(
  f: F,
  argnums?: N,
): <A extends LooseParams<F>>(...args: A) => NoInfer<GradAt<A, N>> {
  const run = (...args: unknown[]): unknown => {
    const [nums, single] = readArgnums(argnums, args.length, "elementwiseGrad");
    const lin = linearize(f, args, nums, "elementwiseGrad");
    const cts = lin.outLeaves.map((l) => onesLike(toTensor(l)));
    const g = lin.pullbackLeaves(cts);
    const per = lin.diffArgs.map((a, j) => rebuild(a, g[j]));
    return single ? per[0] : per;
  };
  return run as <A extends LooseParams<F>>(...args: A) => NoInfer<GradAt<A, N>>;
}

/**
 * `vjp(f, ...primals)`: `[out, pullback]`; `pullback(cotangent)` (shaped like out) returns one
 * cotangent per primal, each shaped like its primal. (The primals are not checked against f's
 * parameter types: doing so would make TypeScript fix f's type too early when f is itself a
 * transformed function, as in `vjp(grad(f), x)`.)
 */
export function vjp<F extends Fn, A extends readonly unknown[]>(
  f: F,
  ...primals: A
): [ReturnType<F>, (cotangent: Loose<TangentOf<ReturnType<F>>>) => GradsOf<A>] {
  const argnums = primals.map((_, i) => i);
  const lin = linearize(f, primals.slice(), argnums, "vjp");
  const pullback = (ct: unknown): unknown[] => {
    const cl = flattenLike(ct, lin.outDef, "vjp", "cotangent");
    const cts = cl.map((c, i) => {
      const t = toTensor(c);
      const o = toTensor(lin.outLeaves[i]);
      if (t.shape.length !== o.shape.length || t.shape.some((d, k) => d !== o.shape[k]))
        throw new ShapeError(
          `vjp: cotangent ${i} has shape ${fmtShape(t.shape)} but the output leaf has shape ${fmtShape(o.shape)}; they must match`,
        );
      return t.dtype === o.dtype || !isFloat(o.dtype) ? t : astype(t, o.dtype);
    });
    const g = lin.pullbackLeaves(cts);
    return lin.diffArgs.map((a, j) => rebuild(a, g[j]));
  };
  return [lin.out as ReturnType<F>, pullback as (cotangent: Loose<TangentOf<ReturnType<F>>>) => GradsOf<A>];
}
