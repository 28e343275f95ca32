import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { ReverseTrace, RNode, propagate } from "../core/reverse.js";
import { closeLevel, nextLevel } from "../core/trace.js";
import { treeFlatten, treeUnflatten, TreeDef } from "../core/pytree.js";
import { add } from "../ops/arith.js";
import { astype } from "../ops/cast.js";
import { zerosLike, onesLike } from "../ops/fill.js";
import { toTensor } from "../ops/args.js";
import { DiffArg, readArgnums, readDiffArg, rebuild } from "./inputs.js";

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

/** Runs `f` with the `argnums` arguments traced in reverse mode. */
export function linearize(
  f: (...args: any[]) => unknown,
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
    raw = f(...call);
  } finally {
    closeLevel(trace);
  }
  let aux: unknown = undefined;
  if (hasAux) {
    if (!Array.isArray(raw) || raw.length !== 2)
      throw new ArgumentError(`${op}: with hasAux, the function must return [value, aux]`);
    aux = treeUnflatten(...(() => {
      const [l, d] = treeFlatten(raw[1]);
      return [d, l.map((x) => unwrapAt(trace, x))] as const;
    })());
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
      const node = o.node as RNode;
      node.ct = node.ct === null ? c : add(node.ct, c);
    }
    for (let k = tape.length - 1; k >= 0; k--) {
      const node = tape[k];
      const ct = node.ct;
      if (ct === null || node.prim === null) continue;
      node.ct = null;
      propagate(node, ct);
    }
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

export interface GradOptions {
  argnums?: number | readonly number[];
  hasAux?: boolean;
}

function gradOpts(o: number | readonly number[] | GradOptions | undefined): GradOptions {
  if (o === undefined || typeof o === "number" || Array.isArray(o)) return { argnums: o as number | number[] | undefined };
  return o as GradOptions;
}

function gradsOf(lin: Linearized, ct: Tensor, single: boolean): unknown {
  const g = lin.pullbackLeaves([ct]);
  const per = lin.diffArgs.map((a, j) => rebuild(a, g[j]));
  return single ? per[0] : per;
}

/** Shared body of grad and valueAndGrad. */
function valueAndGradImpl(f: (...args: any[]) => unknown, o: GradOptions, op: string, args: unknown[]): [unknown, unknown] {
  const [argnums, single] = readArgnums(o.argnums, args.length, op);
  const lin = linearize(f, args, argnums, op, o.hasAux === true);
  const out = scalarOut(lin, op);
  const grads = gradsOf(lin, onesLike(out), single);
  const value = typeof lin.outLeaves[0] === "number" ? lin.outLeaves[0] : out;
  return [o.hasAux ? [value, lin.aux] : value, grads];
}

/**
 * `grad(f, argnums?)` or `grad(f, {argnums, hasAux})`: the gradient of a scalar-valued `f`,
 * shaped like the argument(s).
 */
export function grad(f: (...args: any[]) => any, argnums?: number | readonly number[] | GradOptions): (...args: any[]) => any {
  const o = gradOpts(argnums);
  return (...args: any[]) => {
    const [value, grads] = valueAndGradImpl(f, o, "grad", args);
    return o.hasAux ? [grads, (value as unknown[])[1]] : grads;
  };
}

/** `valueAndGrad(f, argnums?)`: `[value, grad]` (with hasAux `[[value, aux], grad]`). */
export function valueAndGrad(f: (...args: any[]) => any, argnums?: number | readonly number[] | GradOptions): (...args: any[]) => [any, any] {
  const o = gradOpts(argnums);
  return (...args: any[]) => valueAndGradImpl(f, o, "valueAndGrad", args) as [any, any];
}

/** `elementwiseGrad(f, argnums?)`: the gradient of `sum(f(x))` (for elementwise f, the derivative at each point). */
export function elementwiseGrad(f: (...args: any[]) => any, argnums?: number | readonly number[]): (...args: any[]) => any {
  return (...args: any[]) => {
    const [nums, single] = readArgnums(argnums, args.length, "elementwiseGrad");
    const lin = linearize(f, args, nums, "elementwiseGrad");
    const cts = lin.outLeaves.map((l) => onesLike(toTensor(l)));
    const g = lin.pullbackLeaves(cts);
    const per = lin.diffArgs.map((a, j) => rebuild(a, g[j]));
    return single ? per[0] : per;
  };
}

/**
 * `vjp(f, ...primals)`: `[out, pullback]`; `pullback(cotangent)` (shaped like out) returns one
 * cotangent per primal.
 */
export function vjp(f: (...args: any[]) => any, ...primals: any[]): [any, (ct: any) => any[]] {
  const argnums = primals.map((_, i) => i);
  const lin = linearize(f, primals, argnums, "vjp");
  const pullback = (ct: unknown): unknown[] => {
    const [cl] = treeFlatten(ct);
    if (cl.length !== lin.outLeaves.length)
      throw new ShapeError(`vjp: the cotangent has ${cl.length} leaves but the output has ${lin.outLeaves.length}`);
    const cts = cl.map((c, i) => {
      const t = toTensor(c);
      const o = toTensor(lin.outLeaves[i]);
      if (t.shape.length !== o.shape.length || t.shape.some((d, k) => d !== o.shape[k]))
        throw new ShapeError(`vjp: cotangent shape ${fmtShape(t.shape)} does not match the output shape ${fmtShape(o.shape)}`);
      return t.dtype === o.dtype || !isFloat(o.dtype) ? t : astype(t, o.dtype);
    });
    const g = lin.pullbackLeaves(cts);
    return lin.diffArgs.map((a, j) => rebuild(a, g[j]));
  };
  return [lin.out, pullback];
}
