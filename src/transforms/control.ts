import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError } from "../errors.js";
import { Primitive, definePrimitive } from "../core/primitive.js";
import { bind, bind1 } from "../core/trace.js";
import { toArg, toTensor } from "../ops/args.js";
import { cachedVjp, pullbackAll, pushOne } from "./recompute.js";
import type { LooseParams } from "./types.js";

const stopGradientPrim = definePrimitive<undefined>({
  name: "stop_gradient",
  impl: (args) => toTensor(args[0]),
  nondiff: true,
});

/** `stopGradient(x)`: x's value, treated as a constant by every transform. */
export function stopGradient(x: ArrayLike): Tensor {
  return bind1(stopGradientPrim, toArg(x), undefined);
}

/**
 * `checkpoint(f)`: the same function, but reverse mode stores only its inputs and recomputes
 * its inside during the backward pass (memory for time). `f` takes tensors (integer ones are
 * held fixed) and returns one tensor; derivatives of any order go through.
 */
export function checkpoint<F extends (...args: Tensor[]) => Tensor>(f: F): (...args: LooseParams<F>) => Tensor {
  const fn = f as (...args: Tensor[]) => Tensor;
  const prim = new Primitive<undefined>(
    {
      name: `checkpoint(${f.name || "f"})`,
      impl: (args) => {
        const r = fn(...args.map((a) => toTensor(a)));
        if (!(r instanceof Tensor)) throw new ArgumentError(`checkpoint(${f.name || "f"}): the function must return a single Tensor, got ${typeof r}`);
        return r;
      },
      vjp: cachedVjp((g, _ans, args) => pullbackAll(fn, args, g)),
      jvp: (t, _ans, args, _p, i) => pushOne(fn, args, i, t),
    },
    true,
  );
  return (...args: LooseParams<F>) => bind(prim, (args as ArrayLike[]).map((a) => toArg(a)), undefined);
}
