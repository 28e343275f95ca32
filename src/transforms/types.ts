// Types of the transforms' public signatures. A transformed function takes what the original
// takes, except that a Tensor parameter also accepts numbers and nested arrays (the transform
// converts them), and a derivative has the structure of the value it is taken for.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";

/** Any function a transform accepts (`never` parameters make every function type fit). */
export type Fn = (...args: never[]) => unknown;

/** How transforms call a user function internally: its arguments are built at run time. */
export type AnyCall = (...args: unknown[]) => unknown;

export function asCall(f: Fn): AnyCall {
  return f as unknown as AnyCall;
}

/** `argnums`: one argument index, or several. */
export type Argnums = number | readonly number[];

type IsAny<T> = 0 extends 1 & T ? true : false;

/** A rectangular nested array of numbers: differentiated as one tensor, not as a pytree. */
export type NumericData = readonly (number | boolean | NumericData)[];

/** What a parameter of type T accepts once transformed: Tensor positions take any ArrayLike. */
export type Loose<T> =
  IsAny<T> extends true ? T
  : [ArrayLike] extends [T] ? T
  : T extends Tensor ? ArrayLike
  : T extends (...a: never[]) => unknown ? T
  : T extends object ? { [K in keyof T]: Loose<T[K]> }
  : T;

/** The transformed function's parameters. */
export type LooseParams<F extends Fn> = Extract<Loose<Parameters<F>>, unknown[]>;

/**
 * The derivative's type for an argument of type A: a number for a number, a tensor for a
 * tensor or numeric data, the same containers for a pytree. (`[ArrayLike] extends [A]` catches
 * parameters typed as any array-like, whose recursive type must not be walked.)
 */
export type GradOf<A> =
  IsAny<A> extends true ? A
  : unknown extends A ? unknown
  : [ArrayLike] extends [A] ? Tensor | number
  : A extends number ? number
  : A extends Tensor | boolean ? Tensor
  : A extends NumericData ? Tensor
  : A extends null | undefined ? A
  : A extends object ? { -readonly [K in keyof A]: GradOf<A[K]> }
  : Tensor;

/** The argument at index N of the argument tuple A (negative N: any argument's type). */
type ArgAt<A extends readonly unknown[], N extends number> = `${N}` extends `-${string}` ? A[number] : A[N];

/** The gradient for `argnums` N of a call with arguments A: one value, or a tuple for an array. */
export type GradAt<A extends readonly unknown[], N> = N extends number
  ? GradOf<ArgAt<A, N>>
  : N extends readonly number[]
    ? { -readonly [K in keyof N]: GradOf<ArgAt<A, N[K] & number>> }
    : unknown;

/** The gradients of all arguments (vjp's pullback). */
export type GradsOf<A extends readonly unknown[]> = { -readonly [K in keyof A]: GradOf<A[K]> };

/** A tangent or cotangent of the same structure as an output of type R. */
export type TangentOf<R> =
  IsAny<R> extends true ? R
  : unknown extends R ? unknown
  : [ArrayLike] extends [R] ? Tensor
  : R extends number | Tensor | boolean ? Tensor
  : R extends null | undefined ? R
  : R extends object ? { -readonly [K in keyof R]: TangentOf<R[K]> }
  : Tensor;

/** The auxiliary value of a `hasAux` function, which returns `[value, aux]`. */
export type AuxOf<F extends Fn> = ReturnType<F> extends readonly [unknown, infer X] ? X : unknown;
/** The value of a `hasAux` function. */
export type ValueOf<F extends Fn> = ReturnType<F> extends readonly [infer V, unknown] ? V : unknown;

/**
 * A Jacobian: the output's structure outside, the input's inside; every block is a tensor of
 * shape `out.shape ++ in.shape` (a number when that is 0-d and the input was a number).
 */
export type JacobianOf<R, G> =
  IsAny<R> extends true ? R
  : unknown extends R ? unknown
  : [ArrayLike] extends [R] ? JacBlock<G>
  : R extends number | Tensor | boolean ? JacBlock<G>
  : R extends null | undefined ? R
  : R extends object ? { -readonly [K in keyof R]: JacobianOf<R[K], G> }
  : JacBlock<G>;

/** One input's block: a tensor, or a number/tensor for a number input (0-d blocks become numbers). */
type JacBlock<G> =
  IsAny<G> extends true ? G
  : unknown extends G ? unknown
  : [ArrayLike] extends [G] ? Tensor | number
  : G extends Tensor ? Tensor
  : G extends number ? number | Tensor
  : G extends object ? { -readonly [K in keyof G]: JacBlock<G[K]> }
  : G;
