import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { NotDifferentiableError } from "../errors.js";
import { Arg, Primitive } from "./primitive.js";
import { Trace, bind, bind1, bind2, makeTracer } from "./trace.js";
import { engineOps } from "./hooks.js";

/**
 * A recorded primitive application. It keeps the rule's inputs (the values one level down),
 * not a closure, and carries its own cotangent slot, so the backward walk needs no map.
 */
export class RNode {
  prim: Primitive<any> | null;
  params: unknown;
  args: Arg[] | null;
  ans: Tensor;
  /** Parent node per argument, null where the argument is a constant at this level. */
  parents: (RNode | null)[] | null;
  ct: Tensor | null = null;
  /** Imperative path: the leaf tensor whose `.grad` receives this node's cotangent. */
  leaf: Tensor | null = null;
  /** Visit mark for the imperative path's graph walk. */
  mark = 0;
  constructor(prim: Primitive<any> | null, params: unknown, args: Arg[] | null, ans: Tensor, parents: (RNode | null)[] | null) {
    this.prim = prim;
    this.params = params;
    this.args = args;
    this.ans = ans;
    this.parents = parents;
  }
}

/** Reverse mode: records nodes on a per-level tape (creation order is topological). */
export class ReverseTrace extends Trace {
  tape: RNode[] = [];
  /** False for the imperative trace, which finds its graph from the output instead. */
  readonly keepsTape: boolean;
  /** The imperative path's `noGrad` switch. */
  recording = true;

  constructor(level: number, keepsTape = true) {
    super(level);
    this.keepsTape = keepsTape;
  }

  leaf(value: Tensor): Tensor {
    const node = new RNode(null, null, null, value, null);
    if (this.keepsTape) this.tape.push(node);
    const t = makeTracer(this, value);
    t.node = node;
    return t;
  }

  process(prim: Primitive<any>, args: Arg[], params: unknown): Tensor {
    const n = args.length;
    const vals: Arg[] = new Array(n);
    let parents: (RNode | null)[] | null = null;
    for (let i = 0; i < n; i++) {
      const a = args[i];
      if (typeof a !== "number" && a.trace === this) {
        vals[i] = a.primal as Tensor;
        if (parents === null) parents = n === 1 ? [null] : n === 2 ? [null, null] : new Array(n).fill(null);
        parents[i] = a.node as RNode;
      } else vals[i] = a;
    }
    // The fixed-arity binds reach the kernels' impl1/impl2 fast paths when the values are concrete.
    const ans = n === 1 ? bind1(prim, vals[0], params) : n === 2 ? bind2(prim, vals[0], vals[1], params) : bind(prim, vals, params);
    if (prim.nondiff || !this.recording || !isFloat(ans.dtype)) return ans;
    if (prim.vjp === undefined)
      throw new NotDifferentiableError(
        `${prim.name}: no reverse-mode (VJP) rule is defined; give one with defvjp(${prim.name}, ...)`,
      );
    const node = new RNode(prim, params, vals, ans, parents);
    if (this.keepsTape) this.tape.push(node);
    const t = makeTracer(this, ans);
    t.node = node;
    return t;
  }
}

/** Adds a cotangent contribution into a node's slot (fan-out sums). */
function accumulate(node: RNode, c: Tensor): void {
  node.ct = node.ct === null ? c : engineOps.add(node.ct, c);
}

/** Runs one node's VJP rules, sending cotangents to its parents. */
export function propagate(node: RNode, ct: Tensor): void {
  const parents = node.parents as (RNode | null)[];
  const prim = node.prim as Primitive<any>;
  for (let i = 0; i < parents.length; i++) {
    const p = parents[i];
    if (p === null) continue;
    accumulate(p, prim.vjp!(ct, node.ans, node.args as Arg[], node.params, i));
  }
}

/**
 * The backward walk over a tape, from the end: iterative, so a 100,000-step loop has no
 * recursion limit. Cotangents are released from nodes as soon as they are consumed.
 */
export function backwardTape(tape: RNode[], out: RNode, g: Tensor): void {
  out.ct = g;
  for (let k = tape.length - 1; k >= 0; k--) {
    const node = tape[k];
    const ct = node.ct;
    if (ct === null || node.prim === null) continue;
    node.ct = null;
    propagate(node, ct);
  }
}
