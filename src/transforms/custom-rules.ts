// JAX-style custom rules: customVjp(f, fwd, bwd) and customJvp(f, rule). Each makes a user
// primitive whose value is f's; the given rule replaces differentiation of f's body in its mode.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { Arg, Primitive } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { toArg, toTensor } from "../ops/args.js";
import { zerosLike } from "../ops/fill.js";
import { unbroadcast, fitTangent } from "../ops/grad-util.js";
import { cachedVjp, pullbackAll, pushOne } from "./recompute.js";
import type { LooseParams } from "./types.js";

type TensorFn = (...args: Tensor[]) => Tensor;

function anyTraced(args: readonly ArrayLike[]): boolean {
  for (const a of args) if (a instanceof Tensor && a.trace !== null) return true;
  return false;
}

function asResult(r: unknown, who: string): Tensor {
  if (!(r instanceof Tensor)) throw new ArgumentError(`${who} must return a single Tensor, got ${typeof r}`);
  return r;
}

/**
 * `customVjp(f, fwd, bwd)`: f with a hand-written reverse rule. `fwd(...args)` returns
 * `[out, residuals]` (out equal to f's); `bwd(residuals, g)` returns one cotangent per argument
 * (`null` for none), written in differentiable ops so higher orders work. Forward mode
 * differentiates f itself. Plain calls (nothing traced) just run f.
 */
export function customVjp<F extends TensorFn, R>(
  f: F,
  fwd: (...args: Parameters<F>) => readonly [Tensor, R],
  bwd: (residuals: R, g: Tensor) => readonly (ArrayLike | null)[],
): (...args: LooseParams<F>) => Tensor {
  const fn = f as TensorFn;
  const fw = fwd as unknown as (...args: Tensor[]) => readonly [Tensor, R];
  const name = f.name || "customVjp";
  // Residuals of the values computed by impl, found again from the rule's `ans`.
  const saved = new WeakMap<Tensor, R>();
  const prim = new Primitive<undefined>(
    {
      name,
      impl: (args) => {
        const r = fw(...args.map((a) => toTensor(a)));
        if (!Array.isArray(r) || r.length !== 2) throw new ArgumentError(`customVjp(${name}): fwd must return [out, residuals]`);
        const out = asResult(r[0], `customVjp(${name}): fwd`);
        saved.set(out, r[1]);
        return out;
      },
      vjp: cachedVjp((g, ans, args) => {
        // Under nested transforms `ans` is a tracer: recompute the residuals on the traced inputs.
        const res = saved.has(ans) ? (saved.get(ans) as R) : fw(...args.map((a) => toTensor(a)))[1];
        const cts = bwd(res, g);
        if (!Array.isArray(cts) || cts.length !== args.length)
          throw new ArgumentError(
            `customVjp(${name}): bwd must return an array of ${args.length} cotangent(s), one per argument, got ` +
              `${Array.isArray(cts) ? cts.length : typeof cts}`,
          );
        return cts.map((c, k) => cotangentFor(c, args[k], k, name));
      }),
      jvp: (t, _ans, args, _p, i) => pushOne(fn, args, i, t),
    },
    true,
  );
  return (...args: LooseParams<F>) => {
    const a = args as ArrayLike[];
    if (!anyTraced(a)) return asResult(fn(...a.map((x) => toTensor(x))), `customVjp(${name}): f`);
    return bind(prim, a.map((x) => toArg(x)), undefined);
  };
}

function cotangentFor(c: ArrayLike | null, arg: Arg, k: number, name: string): Tensor {
  const like = toTensor(arg);
  if (c === null) return zerosLike(like);
  const t = toTensor(c);
  const ok = t.shape.length <= like.shape.length && t.shape.every((d, q) => d === 1 || d === like.shape[like.shape.length - t.shape.length + q]);
  if (!ok)
    throw new ShapeError(
      `customVjp(${name}): bwd's cotangent ${k} has shape ${fmtShape(t.shape)}, which does not fit argument ${k} of shape ${fmtShape(like.shape)}`,
    );
  return unbroadcast(t.shape.length === like.shape.length ? t : fitTangent(t, like), arg);
}

/**
 * `customJvp(f, rule)`: f with a hand-written forward rule `rule(primals, tangents)` returning
 * the output tangent (tangents of non-differentiated arguments are zeros). Reverse mode
 * differentiates f itself.
 */
export function customJvp<F extends TensorFn>(
  f: F,
  rule: (primals: Tensor[], tangents: Tensor[]) => ArrayLike,
): (...args: LooseParams<F>) => Tensor {
  const fn = f as TensorFn;
  const name = f.name || "customJvp";
  const prim = new Primitive<undefined>(
    {
      name,
      impl: (args) => asResult(fn(...args.map((a) => toTensor(a))), `customJvp(${name}): f`),
      vjp: cachedVjp((g, _ans, args) => pullbackAll(fn, args, g)),
      jvpJoint: (tangents, ans, args) => {
        const primals = args.map((a) => toTensor(a));
        const ts = tangents.map((t, k) => (t === null ? zerosLike(primals[k]) : t));
        return fitTangent(toTensor(rule(primals, ts)), ans);
      },
    },
    true,
  );
  return (...args: LooseParams<F>) => bind(prim, (args as ArrayLike[]).map((x) => toArg(x)), undefined);
}
