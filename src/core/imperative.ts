import { Tensor, Tracing, scalarTensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { ArgumentError, DTypeError, NotDifferentiableError, ShapeError, fmtShape } from "../errors.js";
import { Arg, Primitive } from "./primitive.js";
import { bind, bind1, bind2, makeTracer } from "./trace.js";
import { RNode, ReverseTrace, linkParents, parentOf } from "./reverse.js";

/** A node of the imperative graph: it keeps its arguments as given (tracers, for createGraph). */
class ImperativeNode extends RNode {
  /** The arguments as given; null once backward() freed the graph. */
  saved: Arg[] | null;
  /** The leaf tensor whose `.grad` receives this node's cotangent. */
  leaf: Tensor | null = null;
  /** Visit mark of the graph walk. */
  mark = 0;
  constructor(prim: Primitive<any> | null, params: unknown, saved: Arg[] | null, ans: Tensor) {
    super(prim, params, ans);
    this.saved = saved;
  }
}
import { engineOps } from "./hooks.js";

/**
 * The imperative path (PyTorch's requiresGrad / backward()): the reverse trace kept open at
 * level 0, below every transform, so a `grad` inside or around it nests like any other level.
 *
 * Unlike the functional trace it keeps no tape: a node is reachable only from the tensors that
 * depend on it, so a training loop's graphs are garbage once its loss is dropped. A node keeps
 * its arguments as given (imperative tracers, not their values) so that `createGraph` can run
 * the VJP rules on tracers and record the backward pass itself.
 */
export class ImperativeTrace extends ReverseTrace {
  constructor() {
    super(0, false);
  }

  override process(prim: Primitive<any>, args: Arg[], params: unknown): Tensor {
    const n = args.length;
    const vals: Arg[] = new Array(n);
    // A node keeps its arguments as given (for createGraph); `vals` are the values one level down.
    const node = new ImperativeNode(prim, params, args.slice(), args[0] as Tensor);
    linkParents(this, node, args, vals);
    const ans = n === 1 ? bind1(prim, vals[0], params) : n === 2 ? bind2(prim, vals[0], vals[1], params) : bind(prim, vals, params);
    if (prim.nondiff || !this.recording || !isFloat(ans.dtype)) return ans;
    // A missing VJP rule is reported by backward(), not here: code that never calls backward
    // (evaluation without noGrad) must not fail.
    const t = makeTracer(this, ans);
    t.node = node;
    node.ans = t;
    return t;
  }
}

/** The one imperative trace. */
export const imperative = new ImperativeTrace();

/** True when `t` is recorded by the imperative path (t requires grad). */
export function isImperative(t: Tensor): boolean {
  for (let c: Tensor | null = t; c !== null && c.trace !== null; c = c.primal) if (c.trace === imperative) return true;
  return false;
}

function checkLeafable(t: Tensor, op: string): void {
  if (t.trace !== null && t.trace !== imperative)
    throw new ArgumentError(
      `${op}: the tensor is traced by a transform (grad, vjp, jvp, ...); a requiresGrad leaf must be a concrete ` +
        `tensor (create it outside the transformed function)`,
    );
  if (!isFloat(t.dtype))
    throw new DTypeError(
      `${op}: only float32 or float64 tensors can require gradients, got dtype ${t.dtype}; convert with x.astype("float64")`,
    );
}

function leafNode(leaf: Tensor, value: Tensor): ImperativeNode {
  const node = new ImperativeNode(null, null, null, value);
  node.leaf = leaf;
  return node;
}

/**
 * `requiresGradLeaf(t)`: a new leaf tensor with t's value whose operations are recorded and whose
 * `.grad` receives gradients. A tensor that already requires grad is returned as is when it is a
 * leaf; a non-leaf is an error (its gradient flows to its own leaves).
 */
export function requiresGradLeaf(t: Tensor): Tensor {
  checkLeafable(t, "requiresGrad");
  if (t.trace === imperative) {
    if ((t.node as ImperativeNode).prim === null) return t;
    throw new ArgumentError(
      "requiresGrad: the tensor is already the result of recorded operations (not a leaf); use x.detach().requiresGrad_() for a new leaf",
    );
  }
  const value = t.weak ? scalarTensor(t.scalar, t.dtype) : t;
  const leaf = makeTracer(imperative, value);
  leaf.node = leafNode(leaf, value);
  return leaf;
}

/**
 * `x.requiresGrad_(flag)`: turns the concrete tensor `x` itself into a leaf (or a leaf back into a
 * concrete tensor), PyTorch's in-place switch. The value never changes, so nothing that holds `x`
 * sees a different number.
 */
export function setRequiresGrad(t: Tensor, flag: boolean): Tensor {
  if (flag) {
    checkLeafable(t, "requiresGrad_");
    if (t.trace === imperative) {
      if ((t.node as ImperativeNode).prim !== null)
        throw new ArgumentError("requiresGrad_: only leaf tensors can be switched; use x.detach().requiresGrad_() for a new leaf");
      return t;
    }
    // The tensor keeps its identity and becomes a tracer over a concrete copy of its view.
    const value = new Tensor(t.dtype, t.shape, t.strides, t.offset, t.data, t.scalar, false);
    t.data = null;
    t.tr = new Tracing(imperative, value, leafNode(t, value));
    return t;
  }
  if (t.trace !== imperative) return t;
  const node = t.node as ImperativeNode;
  if (node.prim !== null)
    throw new ArgumentError("requiresGrad_(false): only a leaf can stop requiring grad; use x.detach() for a non-leaf");
  const v = t.primal as Tensor;
  t.tr = null;
  t.data = v.buffer();
  return t;
}

/** True for a leaf: a concrete tensor, or a requiresGrad tensor not produced by recorded operations. */
export function isLeaf(t: Tensor): boolean {
  return t.trace === null || (t.trace === imperative && (t.node as ImperativeNode).prim === null);
}

/** `x.detach()`: x's value, cut from the imperative graph (transform tracers are left to stopGradient). */
export function detachImperative(t: Tensor): Tensor {
  return t.trace === imperative ? (t.primal as Tensor) : t;
}

/** `noGrad(fn)`: runs `fn` without recording imperative operations (results are plain tensors). */
export function noGrad<T>(fn: () => T): T {
  const prev = imperative.recording;
  imperative.recording = false;
  try {
    return fn();
  } finally {
    imperative.recording = prev;
  }
}

/** Whether imperative operations are being recorded (false inside noGrad). */
export function isGradEnabled(): boolean {
  return imperative.recording;
}

let epoch = 0;

function freedError(node: ImperativeNode): Error {
  return new ArgumentError(
    `backward: the graph through ${node.prim?.name ?? "an operation"} was already freed by an earlier backward(); ` +
      `pass {retainGraph: true} to the first backward() to go through the same graph twice`,
  );
}

/**
 * The nodes behind `root`, parents before children (a DFS postorder), found iteratively with the
 * nodes' `mark` field (no recursion, no visited Set). Fails before any gradient is touched when
 * part of the graph was freed or a primitive has no VJP rule.
 */
function topoOrder(root: ImperativeNode): ImperativeNode[] {
  const mark = ++epoch;
  const order: ImperativeNode[] = [];
  const stack: ImperativeNode[] = [root];
  const next: number[] = [0];
  root.mark = mark;
  while (stack.length > 0) {
    const top = stack.length - 1;
    const node = stack[top];
    let pushed = false;
    if (node.saved !== null) {
      const n = node.saved.length;
      let i = next[top];
      while (i < n) {
        const p = parentOf(node, i++) as ImperativeNode | null;
        if (p !== null && p.mark !== mark) {
          p.mark = mark;
          next[top] = i;
          stack.push(p);
          next.push(0);
          pushed = true;
          break;
        }
      }
    } else if (node.prim !== null) throw freedError(node);
    if (!pushed) {
      stack.pop();
      next.pop();
      if (node.prim !== null && node.prim.vjp === undefined)
        throw new NotDifferentiableError(
          `backward: ${node.prim.name} has no reverse-mode (VJP) rule; give one with defvjp(${node.prim.name}, ...) ` +
            `or compute it under noGrad`,
        );
      order.push(node);
    }
  }
  return order;
}

function addInto(node: ImperativeNode, c: Tensor): void {
  node.ct = node.ct === null ? c : engineOps.add(node.ct, c);
}

/** A node's VJP rules. With `create`, on the recorded tracers (so they record in turn); else on values. */
function runRules(node: ImperativeNode, ct: Tensor, create: boolean): void {
  const prim = node.prim as Primitive<any>;
  const saved = node.saved as Arg[];
  let args = saved;
  let ans = node.ans;
  if (!create) {
    args = new Array(saved.length);
    for (let i = 0; i < saved.length; i++) {
      const a = saved[i];
      args[i] = typeof a !== "number" && a.trace === imperative ? (a.primal as Tensor) : a;
    }
    ans = ans.primal as Tensor;
  }
  for (let i = 0; i < saved.length; i++) {
    const p = parentOf(node, i) as ImperativeNode | null;
    if (p !== null) addInto(p, prim.vjp!(ct, ans, args, node.params, i));
  }
}

export interface BackwardOptions {
  /** Keep the graph for another backward() through it (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass, so the gradients are differentiable in turn (default false). */
  createGraph?: boolean;
}

/**
 * `y.backward(gradient?, opts)`: accumulates d(<gradient, y>)/dx into `x.grad` of every leaf x
 * behind y. `gradient` must have y's shape and float dtype (the caller casts it).
 */
export function backward(y: Tensor, gradient: Tensor | null, opts: BackwardOptions = {}): void {
  const create = opts.createGraph === true;
  const retain = opts.retainGraph ?? create;
  if (y.trace !== imperative) {
    if (y.trace !== null)
      throw new ArgumentError(
        "backward: the tensor is traced by a transform (grad, vjp, jvp, ...); call backward() outside the transformed " +
          "function, or use the transform's own gradient",
      );
    throw new ArgumentError(
      `backward: the tensor of shape ${fmtShape(y.shape)} does not require grad (no requiresGrad leaf in its history, ` +
        `or it was computed under noGrad); create inputs with np.array(data, {requiresGrad: true}) or x.requiresGrad_()`,
    );
  }
  let g = gradient;
  if (g === null) {
    if (y.size !== 1)
      throw new ShapeError(
        `backward: a non-scalar output of shape ${fmtShape(y.shape)} needs a gradient argument of the same shape ` +
          `(y.backward(g)), or reduce it first (np.sum(y).backward())`,
      );
    g = engineOps.zerosLike(y.primal as Tensor);
    g = g.shape.length === 0 ? scalarTensor(1, y.dtype) : engineOps.add(g, scalarTensor(1, y.dtype, true));
  } else if (!create && g.trace === imperative) g = g.primal as Tensor;
  const root = y.node as ImperativeNode;
  const order = topoOrder(root);
  const prev = imperative.recording;
  imperative.recording = create;
  try {
    root.ct = g;
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      const ct = node.ct;
      if (ct === null) continue;
      node.ct = null;
      if (node.prim === null) {
        const leaf = node.leaf as Tensor;
        leaf.grad = leaf.grad === null ? ct : engineOps.add(leaf.grad, ct);
      } else runRules(node, ct, create);
    }
  } finally {
    imperative.recording = prev;
    for (let k = 0; k < order.length; k++) order[k].ct = null;
  }
  if (!retain)
    for (let k = 0; k < order.length; k++) {
      const node = order[k];
      if (node.prim === null) continue;
      // Frees the saved values; the node stays as a marker for the "already freed" error.
      node.saved = null;
      node.x0 = node.x1 = undefined;
      node.more = null;
    }
}
