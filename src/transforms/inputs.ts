import { Tensor, scalarTensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { DTypeError, ArgumentError } from "../errors.js";
import { TreeDef, treeFlatten, treeUnflatten } from "../core/pytree.js";
import { fromNested } from "../tensor/create.js";

/** Normalized argnums: the list, and whether the user gave a single number. */
export function readArgnums(argnums: number | readonly number[] | undefined, nargs: number, op: string): [number[], boolean] {
  const single = argnums === undefined || typeof argnums === "number";
  const list = argnums === undefined ? [0] : typeof argnums === "number" ? [argnums] : Array.from(argnums);
  for (const k of list)
    if (!Number.isInteger(k) || k < -nargs || k >= nargs)
      throw new ArgumentError(`${op}: argnums ${JSON.stringify(argnums)} out of range for a call with ${nargs} argument(s)`);
  return [list.map((k) => (k < 0 ? k + nargs : k)), single];
}

/** One differentiated argument: its leaves as float tensors, and how to rebuild it. */
export interface DiffArg {
  leaves: Tensor[];
  /** Which leaves were JS numbers (their derivatives come back as numbers). */
  numeric: boolean[];
  def: TreeDef;
}

export function readDiffArg(value: unknown, op: string, index: number): DiffArg {
  let flat: (Tensor | number)[];
  let def: TreeDef;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "number" || typeof v === "boolean")) {
    // A plain number array is data, not a pytree of scalars: differentiate it as one tensor.
    flat = [fromNested(value)];
    def = { kind: "leaf" };
  } else [flat, def] = treeFlatten(value);
  const leaves: Tensor[] = [];
  const numeric: boolean[] = [];
  for (const l of flat) {
    if (typeof l === "number") {
      leaves.push(scalarTensor(l, "float64"));
      numeric.push(true);
    } else {
      if (!isFloat(l.dtype))
        throw new DTypeError(
          `${op}: argument ${index} has dtype ${l.dtype}; derivatives are taken only with respect to float32 or float64 ` +
            `inputs (convert with x.astype("float64"), or leave it out of argnums)`,
        );
      leaves.push(l);
      numeric.push(false);
    }
  }
  return { leaves, numeric, def };
}

/** Rebuilds an argument-shaped result, giving numbers back where the input leaf was a number. */
export function rebuild(arg: DiffArg, values: Tensor[]): unknown {
  const out = values.map((v, i) => (arg.numeric[i] && v.trace === null ? v.item() : v));
  return treeUnflatten(arg.def, out);
}
