// `jit(f)`: f traced once per input signature into a straight-line graph of primitives (with
// whatever transforms it applies inside: `jit(valueAndGrad(loss))` records the forward and the
// backward pass), then replayed with elementwise chains fused into single loops and their
// intermediate buffers reused. The first call of a signature runs f eagerly while recording.
import { Tensor } from "../tensor/tensor.js";
import { fromNested } from "../tensor/create.js";
import { ArgumentError } from "../errors.js";
import { Arg } from "../core/primitive.js";
import { GraphArg, GraphTrace } from "../core/graph.js";
import { closeLevel, nextLevel, traceDepth } from "../core/trace.js";
import { treeFlatten, treeUnflatten } from "../core/pytree.js";
import { Plan, buildPlan } from "./jit-plan.js";
import { isNumericData } from "./inputs.js";
import { asCall } from "./types.js";
import type { Fn, LooseParams } from "./types.js";

export interface JitOptions {
  /** How many input signatures (shapes, dtypes, static numbers) to keep compiled (default 16). */
  cacheSize?: number;
}

interface Compiled {
  plan: Plan;
  outDef: ReturnType<typeof treeFlatten>[1];
}

/**
 * `jit(f)`: a function computing what `f` computes, compiled per input signature. Tensors in
 * the arguments (any pytree) are the inputs; JS numbers in them are static, part of the
 * signature like shapes and dtypes. Inside, values have no data: `item()`, printing and
 * branching on values throw ConcretizationError (use `np.where`). Tensors `f` captures from its
 * scope are constants of the compiled function: pass values that change as arguments. Under
 * another transform (`grad(jit(f))`), or for a call with traced arguments, `f` runs as is.
 */
export function jit<F extends Fn>(f: F, opts: JitOptions = {}): (...args: LooseParams<F>) => ReturnType<F> {
  if (typeof f !== "function") throw new ArgumentError(`jit: expected a function, got ${typeof f}`);
  const cacheSize = opts.cacheSize ?? 16;
  if (!Number.isInteger(cacheSize) || cacheSize < 1) throw new ArgumentError(`jit: cacheSize must be a positive integer, got ${cacheSize}`);
  const cache = new Map<string, Compiled>();
  const call = asCall(f);
  const run = (...rawArgs: unknown[]): unknown => {
    if (traceDepth() > 0) return call(...rawArgs);
    const args = rawArgs.map((a) => (isNumericData(a) ? fromNested(a as never, undefined, "jit") : a));
    const [leaves, def] = treeFlatten(args);
    const tensors: Tensor[] = [];
    let key = JSON.stringify(def);
    for (const l of leaves) {
      if (typeof l === "number") key += `|n${l}`;
      else {
        if (l.trace !== null) return call(...rawArgs);
        tensors.push(l);
        key += `|${l.kind}:${l.shape.join(",")}${l.isContiguous ? "" : "s"}`;
      }
    }
    const hit = cache.get(key);
    if (hit !== undefined) {
      // Most recently used last, so the oldest is evicted first.
      cache.delete(key);
      cache.set(key, hit);
      return treeUnflatten(hit.outDef, hit.plan.run(tensors));
    }
    const { out, compiled } = traceAndCompile(call, leaves, def);
    cache.set(key, compiled);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string);
    return out;
  };
  return run as (...args: LooseParams<F>) => ReturnType<F>;
}

function traceAndCompile(
  call: (...a: unknown[]) => unknown,
  leaves: (Tensor | number)[],
  def: ReturnType<typeof treeFlatten>[1],
): { out: unknown; compiled: Compiled } {
  const trace = new GraphTrace(nextLevel());
  let result: unknown;
  try {
    const wrapped = leaves.map((l) => (typeof l === "number" ? l : trace.input(l)));
    result = call(...treeUnflatten<unknown[]>(def, wrapped));
  } finally {
    closeLevel(trace);
  }
  const [outLeaves, outDef] = treeFlatten(result);
  const refs: GraphArg[] = [];
  const values: Arg[] = [];
  for (const l of outLeaves) {
    if (typeof l === "number") {
      refs.push(l);
      values.push(l);
    } else if (l.trace === trace) {
      refs.push({ id: l.node as number });
      values.push(l.primal as Tensor);
    } else {
      refs.push({ constant: l });
      values.push(l);
    }
  }
  const nInputs = leaves.filter((l) => typeof l !== "number").length;
  const plan = buildPlan(trace.equations, trace.values, nInputs, refs);
  return { out: treeUnflatten(outDef, values), compiled: { plan, outDef } };
}
