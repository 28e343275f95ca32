import { Tensor } from "../tensor/tensor.js";
import { DTypeError } from "../errors.js";
import { Arg } from "../core/primitive.js";
import { resultDtype } from "./args.js";
import { astype } from "./cast.js";

// Small dtype helpers shared by the elementwise families.

export function isBoolArg(a: Arg): boolean {
  return typeof a !== "number" && a.dtype === "bool";
}

/**
 * NumPy has no bool loop for some arithmetic (square, sign, power, mod...) and computes them in
 * its smallest integer type; int32 is chainrule's only integer type.
 */
export function boolToInt(a: Arg): Arg {
  return isBoolArg(a) ? astype(a as Tensor, "int32") : a;
}

/** Both operands as int32 when they would promote to bool (see `boolToInt`). */
export function boolPairToInt(a: Arg, b: Arg): [Arg, Arg] {
  if (resultDtype(a, b) !== "bool") return [a, b];
  return [boolToInt(a), boolToInt(b)];
}

/** NumPy refuses some operations on booleans; say which and what to use instead. */
export function rejectBool(op: string, a: Arg, b: Arg | null, fix: string): void {
  if (b === null ? isBoolArg(a) : isBoolArg(a) && isBoolArg(b))
    throw new DTypeError(`${op}: not supported for bool operands; ${fix}`);
}
