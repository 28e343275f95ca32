import { Tensor, Tracing } from "../tensor/tensor.js";
import { contiguousStrides } from "../tensor/shape.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Arg, BatchRule, Primitive } from "./primitive.js";
import { Trace, bind } from "./trace.js";

export type { BatchRule };

const rules = new Map<Primitive<any>, BatchRule<any>>();

/** Registers the batching rule of a primitive (the op files stay untouched: rules live in ops/batch-rules). */
export function defbatch<P>(prim: Primitive<P>, rule: BatchRule<P>): void {
  rules.set(prim, rule as BatchRule<any>);
}

/** The rule of `prim`: a registered one, else its spec's `batch` field. */
export function batchRuleOf(prim: Primitive<any>): BatchRule<any> | undefined {
  return rules.get(prim) ?? prim.batch;
}

/**
 * The ops the generic fallback needs (index one batch element, stack the results): they live
 * in the ops layer above core, which installs them when its batching rules load.
 */
export const batchOps = {
  /** `x` at index `i` of axis `axis`, that axis removed. */
  take: (x: Tensor, axis: number, i: number): Tensor => {
    throw new Error(`internal: batching ops not installed (${x.dtype} ${axis} ${i})`);
  },
  /** Stacks equal-shaped tensors along a new leading axis. */
  stack: (xs: Tensor[]): Tensor => {
    throw new Error(`internal: batching ops not installed (${xs.length})`);
  },
};

/** Thrown by a strict batch trace (the Jacobians' fast path) at a primitive with no batching rule. */
export class NoBatchRuleError extends Error {
  constructor(name: string) {
    super(`vmap: the primitive ${name} has no batching rule`);
  }
}

/** A batch tracer's payload: the value with its extra axis, and where that axis is. */
export interface BatchVal {
  val: Tensor;
  dim: number;
}

// A batched tracer has no single concrete value: its `primal` is this sentinel, whose own
// `primal` throws, so `item()`, `toArray()` and data-dependent ops fail with a clear message
// instead of silently reading the whole batch.
const POISON = new Tensor("float64", [], [], 0, null, 0, false);
const poisonTracing = Object.create(Tracing.prototype) as Tracing;
Object.defineProperty(poisonTracing, "trace", { value: { level: -1 } });
Object.defineProperty(poisonTracing, "node", { value: null });
Object.defineProperty(poisonTracing, "primal", {
  get(): never {
    throw new ArgumentError(
      "vmap: this needs the concrete values of a batched (vmapped) tensor (printing, item, toArray, or an op whose result " +
        "depends on values, such as indexing with a traced index array); inside vmap each value stands for a whole " +
        "batch. Do it outside vmap, or pass that argument with inAxes null",
    );
  },
});
POISON.tr = poisonTracing;

/**
 * The batching interpreter: each tracer stands for `size` values of its (per-example) shape,
 * stored as one tensor with an extra axis `dim`. Primitives run once on the whole batch through
 * their batching rule; without one, the generic fallback applies the primitive per element and
 * stacks the results (correct, slower), or, in strict mode, throws NoBatchRuleError.
 */
export class BatchTrace extends Trace {
  readonly size: number;
  readonly strict: boolean;

  constructor(level: number, size: number, strict = false) {
    super(level);
    this.size = size;
    this.strict = strict;
  }

  /** A tracer for `val`, batched along `dim` (already normalized). */
  wrap(val: Tensor, dim: number): Tensor {
    if (val.shape[dim] !== this.size)
      throw new ShapeError(`vmap: internal: batch axis ${dim} of shape ${fmtShape(val.shape)} is not of size ${this.size}`);
    const shape = val.shape.slice();
    shape.splice(dim, 1);
    const t = new Tensor(val.dtype, shape, contiguousStrides(shape), 0, null, 0, false);
    const payload: BatchVal = { val, dim };
    t.tr = new Tracing(this, POISON, payload);
    return t;
  }

  /** The batched value of a tracer of this trace. */
  unwrap(t: Tensor): BatchVal {
    return t.node as BatchVal;
  }

  process(prim: Primitive<any>, args: Arg[], params: unknown): Tensor {
    const n = args.length;
    const vals: Arg[] = new Array(n);
    const dims: (number | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = args[i];
      if (typeof a !== "number" && a.trace === this) {
        const b = a.node as BatchVal;
        vals[i] = b.val;
        dims[i] = b.dim;
      } else {
        vals[i] = a;
        dims[i] = null;
      }
    }
    const rule = rules.get(prim) ?? prim.batch;
    let out: Tensor;
    let dim: number | null;
    if (rule !== undefined) [out, dim] = rule(vals, dims, params, this.size);
    else if (this.strict) throw new NoBatchRuleError(prim.name);
    else [out, dim] = loopFallback(prim, vals, dims, params, this.size);
    return dim === null ? out : this.wrap(out, dim);
  }
}

/**
 * Applies `prim` to each batch element and stacks the results along a new axis 0: the generic
 * fallback, which rules may also call for the cases they do not vectorize.
 */
export function loopFallback(prim: Primitive<any>, vals: Arg[], dims: (number | null)[], params: unknown, size: number): [Tensor, number] {
  if (size === 0)
    throw new ShapeError(
      `vmap: ${prim.name} has no batching rule, and the generic per-element fallback cannot learn its output shape from a batch of size 0`,
    );
  const outs: Tensor[] = new Array(size);
  for (let b = 0; b < size; b++) {
    const per = vals.map((v, i) => {
      const d = dims[i];
      return d === null ? v : batchOps.take(v as Tensor, d, b);
    });
    outs[b] = bind(prim, per, params);
  }
  return [batchOps.stack(outs), 0];
}
