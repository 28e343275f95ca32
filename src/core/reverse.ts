import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { NotDifferentiableError } from "../errors.js";
import { Arg, Primitive } from "./primitive.js";
import { Trace, bind, bind1, bind2, makeTracer } from "./trace.js";
import { engineOps } from "./hooks.js";

/**
 * A recorded primitive application. It keeps what the rule needs (not a closure) and carries
 * its own cotangent slot, so the backward walk needs no map.
 *
 * Argument 0 and 1 live in `x0`/`x1`: the parent node when the argument is traced at this level
 * (its value is then the parent's `ans`, so it is not stored twice), else the value itself.
 * Everything else (parameters, arguments beyond two) goes in `more`: a recorded scalar op keeps
 * about 200 bytes, most of them its output tensor.
 */
export class RNode {
  prim: Primitive<any> | null;
  x0: Arg | RNode | undefined = undefined;
  x1: Arg | RNode | undefined = undefined;
  ans: Tensor;
  more: NodeMore | null = null;
  ct: Tensor | null = null;
  constructor(prim: Primitive<any> | null, params: unknown, ans: Tensor) {
    this.prim = prim;
    this.ans = ans;
    if (params !== undefined && params !== null) this.more = { args: null, parents: null, params };
  }

  get params(): unknown {
    return this.more === null ? undefined : this.more.params;
  }
}

interface NodeMore {
  args: Arg[] | null;
  parents: (RNode | null)[] | null;
  params: unknown;
}

function valueOf(x: Arg | RNode | undefined): Arg {
  return x instanceof RNode ? x.ans : (x as Arg);
}

/** A node's saved arguments (values one level down) as the array the rules take. */
export function argsOf(node: RNode): Arg[] {
  if (node.more !== null && node.more.args !== null) return node.more.args;
  return node.x1 === undefined ? [valueOf(node.x0)] : [valueOf(node.x0), valueOf(node.x1)];
}

/** The `more` record of a node with more than two arguments, made on first use. */
function moreOf(node: RNode, vals: Arg[], n: number): NodeMore {
  let m = node.more;
  if (m === null) m = node.more = { args: null, parents: null, params: undefined };
  if (m.args === null) m.args = vals;
  if (m.parents === null) m.parents = new Array(n).fill(null);
  return m;
}

/** The parent node of argument `i` (null for a constant). */
export function parentOf(node: RNode, i: number): RNode | null {
  if (i < 2) {
    const x = i === 0 ? node.x0 : node.x1;
    return x instanceof RNode ? x : null;
  }
  return (node.more as { parents: (RNode | null)[] }).parents[i];
}

/**
 * Splits `args` into values one level down (written into `vals`, which may be `args` itself)
 * and the parents at `trace`, recorded on `node`.
 */
export function linkParents(trace: Trace, node: RNode, args: Arg[], vals: Arg[]): void {
  const n = args.length;
  for (let i = 0; i < n; i++) {
    const a = args[i];
    let x: Arg | RNode;
    if (typeof a !== "number" && a.trace === trace) {
      vals[i] = a.primal as Tensor;
      x = a.node as RNode;
      if (n > 2) moreOf(node, vals, n).parents![i] = x;
    } else x = vals[i] = a;
    if (i === 0) node.x0 = x;
    else if (i === 1) node.x1 = x;
  }
  if (n > 2) moreOf(node, vals, n);
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
    const node = new RNode(null, null, value);
    if (this.keepsTape) this.tape.push(node);
    const t = makeTracer(this, value);
    t.node = node;
    return t;
  }

  process(prim: Primitive<any>, args: Arg[], params: unknown): Tensor {
    const node = new RNode(prim, params, args[0] as Tensor);
    const n = args.length;
    // For one or two arguments `args` is the fresh array bind1/bind2 made: reuse it for the
    // values one level down. A longer array may be the caller's own (a forward trace's values,
    // or an outer node's saved arguments): overwriting it would unwrap them one level too far
    // and drop every derivative at the outer levels.
    const vals = n > 2 ? new Array<Arg>(n) : args;
    linkParents(this, node, args, vals);
    // The fixed-arity binds reach the kernels' impl1/impl2 fast paths when the values are concrete.
    const ans = n === 1 ? bind1(prim, vals[0], params) : n === 2 ? bind2(prim, vals[0], vals[1], params) : bind(prim, vals, params);
    if (prim.nondiff || !this.recording || !isFloat(ans.dtype)) return ans;
    if (prim.vjp === undefined)
      throw new NotDifferentiableError(
        `${prim.name}: no reverse-mode (VJP) rule is defined; give one with defvjp(${prim.name}, ...)`,
      );
    node.ans = ans;
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
  const prim = node.prim as Primitive<any>;
  const args = argsOf(node);
  const p0 = parentOf(node, 0);
  const p1 = args.length > 1 ? parentOf(node, 1) : null;
  if (p0 !== null) accumulate(p0, prim.vjp!(ct, node.ans, args, node.params, 0));
  if (p1 !== null) accumulate(p1, prim.vjp!(ct, node.ans, args, node.params, 1));
  const ps = node.more === null ? null : node.more.parents;
  if (ps !== null)
    for (let i = 2; i < ps.length; i++) {
      const p = ps[i];
      if (p !== null) accumulate(p, prim.vjp!(ct, node.ans, args, node.params, i));
    }
}

/**
 * The backward walk over a tape, from the end, after the outputs' nodes were seeded with their
 * cotangents: iterative, so a 100,000-step loop has no recursion limit. Cotangents are released
 * from nodes as soon as they are consumed; leaves (prim null) keep theirs for the caller.
 */
export function backwardTape(tape: RNode[]): void {
  for (let k = tape.length - 1; k >= 0; k--) {
    const node = tape[k];
    const ct = node.ct;
    if (ct === null || node.prim === null) continue;
    node.ct = null;
    propagate(node, ct);
  }
}

/** Adds an output cotangent into its node before the walk. */
export function seed(node: RNode, c: Tensor): void {
  accumulate(node, c);
}
