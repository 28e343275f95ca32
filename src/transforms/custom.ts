import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError } from "../errors.js";
import { Arg, Primitive } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { toArg, toTensor } from "../ops/args.js";
import { unbroadcast, fitTangent } from "../ops/grad-util.js";

/** A user primitive as a callable, remembering its Primitive for defvjp/defjvp. */
export interface PrimitiveFunction {
  (...args: ArrayLike[]): Tensor;
  readonly prim: Primitive<undefined>;
}

let userCount = 0;

/**
 * `primitive(fn)`: wraps a function of tensors as a new primitive. Its body runs on concrete
 * values and is not traced; give its derivatives with `defvjp` / `defjvp`.
 */
export function primitive(fn: (...args: Tensor[]) => ArrayLike): PrimitiveFunction {
  const name = fn.name || `user_primitive_${++userCount}`;
  const prim = new Primitive<undefined>(
    { name, impl: (args) => toTensor(fn(...args.map((a) => toTensor(a)))) },
    true,
  );
  const call = (...args: ArrayLike[]): Tensor => bind(prim, args.map((a) => toArg(a)), undefined);
  // The primitive's name on the callable too, so checkGrads and stack traces name it.
  Object.defineProperty(call, "name", { value: name });
  return Object.assign(call, { prim });
}

function primOf(f: PrimitiveFunction | Primitive<undefined>, op: string): Primitive<undefined> {
  const p = f instanceof Primitive ? f : (f as PrimitiveFunction).prim;
  if (!(p instanceof Primitive)) throw new ArgumentError(`${op}: expected a function made by primitive(fn)`);
  return p;
}

type VjpMaker = ((ans: Tensor, ...args: Tensor[]) => (g: Tensor) => ArrayLike) | null;
type JvpMaker = ((g: Tensor, ans: Tensor, ...args: Tensor[]) => ArrayLike) | null;

/**
 * `defvjp(prim, ...makers)`: one maker per argument, `(ans, ...args) => (g) => cotangent`, written
 * in differentiable ops; `null` marks a non-differentiable argument.
 */
export function defvjp(f: PrimitiveFunction, ...makers: VjpMaker[]): void {
  const p = primOf(f, "defvjp");
  p.vjp = (g: Tensor, ans: Tensor, args: Arg[], _params: undefined, i: number): Tensor => {
    const m = makers[i];
    if (m === null || m === undefined)
      throw new ArgumentError(`${p.name}: argument ${i} has no VJP (defvjp gave ${m === null ? "null" : "no maker"} for it)`);
    return unbroadcast(toTensor(m(ans, ...args.map((a) => toTensor(a)))(g)), args[i]);
  };
}

/** `defjvp(prim, ...makers)`: one maker per argument, `(tangent, ans, ...args) => outputTangent`. */
export function defjvp(f: PrimitiveFunction, ...makers: JvpMaker[]): void {
  const p = primOf(f, "defjvp");
  p.jvp = (t: Tensor, ans: Tensor, args: Arg[], _params: undefined, i: number): Tensor => {
    const m = makers[i];
    if (m === null || m === undefined)
      throw new ArgumentError(`${p.name}: argument ${i} has no JVP (defjvp gave ${m === null ? "null" : "no maker"} for it)`);
    return fitTangent(toTensor(m(t, ans, ...args.map((a) => toTensor(a)))), ans);
  };
}
