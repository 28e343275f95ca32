// The graph trace behind `jit`: it runs each primitive on concrete values (so a first call
// costs one eager evaluation) and records it as an equation of a straight-line program over
// the function's inputs. The program is what `jit` compiles and replays. Values under it are
// opaque: reading one (`item`, printing, an op that needs data such as a boolean mask) throws
// ConcretizationError, because a replay with other inputs would not repeat what that read
// decided.
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { Arg, Primitive } from "./primitive.js";
import { Trace, makeTracer } from "./trace.js";

/** A value a recorded equation reads: a graph value (by id), a constant tensor, or a JS number. */
export type GraphArg = { id: number } | { constant: Tensor } | number;

export interface Equation {
  prim: Primitive<any>;
  args: GraphArg[];
  params: unknown;
  /** Id of the output value. */
  out: number;
  shape: number[];
  dtype: DType;
  weak: boolean;
  /** Indexes of the tensor arguments whose storage the output shared when traced (views). */
  aliases: number[];
}

export class GraphTrace extends Trace {
  /** Marks tracers whose data may not be read (see Tensor.concrete). */
  readonly opaque = true;
  readonly equations: Equation[] = [];
  /** Shapes and dtypes of all values; ids 0..inputs-1 are the inputs. */
  readonly values: { shape: number[]; dtype: DType; weak: boolean }[] = [];

  /** A tracer for input value `primal`; its id is its position among the inputs. */
  input(primal: Tensor): Tensor {
    const id = this.values.length;
    this.values.push({ shape: primal.shape, dtype: primal.dtype, weak: primal.weak });
    const t = makeTracer(this, primal);
    t.node = id;
    return t;
  }

  process(prim: Primitive<any>, args: Arg[], params: unknown): Tensor {
    const n = args.length;
    const vals: Arg[] = new Array(n);
    const refs: GraphArg[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = args[i];
      if (typeof a === "number") {
        vals[i] = a;
        refs[i] = a;
      } else if (a.trace === this) {
        vals[i] = a.primal as Tensor;
        refs[i] = { id: a.node as number };
      } else {
        // A concrete tensor from outside the function (a closure's constant).
        vals[i] = a;
        refs[i] = { constant: a };
      }
    }
    const ans = prim.impl(vals, params);
    const aliases: number[] = [];
    // Storage is compared by ArrayBuffer: a view may wrap a subarray of its base's data.
    if (ans.data !== null)
      for (let i = 0; i < n; i++) {
        const v = vals[i];
        if (typeof v !== "number" && v.data !== null && v.data.buffer === ans.data.buffer) aliases.push(i);
      }
    const id = this.values.length;
    this.values.push({ shape: ans.shape, dtype: ans.dtype, weak: ans.weak });
    this.equations.push({ prim, args: refs, params, out: id, shape: ans.shape, dtype: ans.dtype, weak: ans.weak, aliases });
    const t = makeTracer(this, ans);
    t.node = id;
    return t;
  }
}

/** True when x is traced by jit at some level: its data cannot be read (see Tensor.concrete). */
export function underJit(x: Tensor): boolean {
  for (let t: Tensor = x; t.tr !== null; t = t.tr.primal) if (t.tr.trace.opaque === true) return true;
  return false;
}
