import { Tensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { NotDifferentiableError } from "../errors.js";
import { Arg, Primitive } from "./primitive.js";
import { Trace, bind, bind1, bind2, makeTracer } from "./trace.js";
import { engineOps } from "./hooks.js";

/** Forward mode: each tracer carries a tangent; primitives push tangents through their JVP rules. */
export class ForwardTrace extends Trace {
  dual(primal: Tensor, tangent: Tensor): Tensor {
    const t = makeTracer(this, primal);
    t.node = tangent;
    return t;
  }

  process(prim: Primitive<any>, args: Arg[], params: unknown): Tensor {
    const n = args.length;
    const vals: Arg[] = new Array(n);
    const tangents: (Tensor | null)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = args[i];
      if (typeof a !== "number" && a.trace === this) {
        vals[i] = a.primal as Tensor;
        tangents[i] = a.node as Tensor;
      } else {
        vals[i] = a;
        tangents[i] = null;
      }
    }
    const ans = n === 1 ? bind1(prim, vals[0], params) : n === 2 ? bind2(prim, vals[0], vals[1], params) : bind(prim, vals, params);
    if (prim.nondiff || !isFloat(ans.dtype)) return ans;
    let tout: Tensor | null = null;
    if (prim.jvpJoint !== undefined) {
      tout = prim.jvpJoint(tangents, ans, vals, params);
    } else {
      if (prim.jvp === undefined)
        throw new NotDifferentiableError(
          `${prim.name}: no forward-mode (JVP) rule is defined; give one with defjvp(${prim.name}, ...)`,
        );
      for (let i = 0; i < n; i++) {
        const t = tangents[i];
        if (t === null) continue;
        const ti = prim.jvp(t, ans, vals, params, i);
        tout = tout === null ? ti : engineOps.add(tout, ti);
      }
    }
    return this.dual(ans, tout === null ? engineOps.zerosLike(ans) : tout);
  }
}
