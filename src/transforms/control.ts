import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError } from "../errors.js";
import { Primitive, definePrimitive } from "../core/primitive.js";
import { bind, bind1 } from "../core/trace.js";
import { toArg, toTensor } from "../ops/args.js";
import { vjp } from "./vjp.js";
import { jvp } from "./jvp.js";
import { zerosLike } from "../ops/fill.js";

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
 * its inside during the backward pass (memory for time). `f` takes and returns tensors.
 */
export function checkpoint(f: (...args: Tensor[]) => Tensor): (...args: ArrayLike[]) => Tensor {
  const prim = new Primitive<undefined>(
    {
      name: `checkpoint(${f.name || "f"})`,
      impl: (args) => {
        const r = f(...args.map((a) => toTensor(a)));
        if (!(r instanceof Tensor)) throw new ArgumentError("checkpoint: the function must return a single Tensor");
        return r;
      },
      vjp: (g, _ans, args, _p, i) => vjp((...xs: Tensor[]) => f(...xs), ...args.map((a) => toTensor(a)))[1](g)[i] as Tensor,
      jvp: (t, _ans, args, _p, i) => {
        const ts = args.map((a, k) => (k === i ? t : zerosLike(toTensor(a))));
        return jvp((...xs: Tensor[]) => f(...xs), args.map((a) => toTensor(a)), ts)[1] as Tensor;
      },
    },
    true,
  );
  return (...args: ArrayLike[]) => bind(prim, args.map((a) => toArg(a)), undefined);
}
