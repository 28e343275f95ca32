import { Tensor, scalarTensor } from "../tensor/tensor.js";
import { isFloat } from "../tensor/dtype.js";
import { DTypeError, ArgumentError, ShapeError, fmtShape } from "../errors.js";
import { TreeDef, isPlainObject, treeFlatten, treeUnflatten } from "../core/pytree.js";
import { fromNested } from "../tensor/create.js";

/** Normalized argnums: the list, and whether the user gave a single number. */
export function readArgnums(argnums: number | readonly number[] | undefined, nargs: number, op: string): [number[], boolean] {
  const single = argnums === undefined || typeof argnums === "number";
  const list = argnums === undefined ? [0] : typeof argnums === "number" ? [argnums] : Array.from(argnums);
  for (const k of list)
    if (!Number.isInteger(k) || k < -nargs || k >= nargs)
      throw new ArgumentError(`${op}: argnums ${JSON.stringify(argnums)} out of range for a call with ${nargs} argument(s)`);
  const norm = list.map((k) => (k < 0 ? k + nargs : k));
  for (let i = 0; i < norm.length; i++)
    if (norm.indexOf(norm[i]) !== i)
      throw new ArgumentError(`${op}: argnums ${JSON.stringify(argnums)} names argument ${norm[i]} twice; list each argument once`);
  return [norm, single];
}

/**
 * True for a non-empty JS array whose leaves, at any depth, are all numbers or booleans: data
 * for one tensor (`[[1, 2], [3, 4]]`), where a pytree would hold tensors or objects.
 */
export function isNumericData(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      if (v.length === 0) return false;
      for (let i = 0; i < v.length; i++) stack.push(v[i]);
    } else if (typeof v !== "number" && typeof v !== "boolean") return false;
  }
  return true;
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
  if (isNumericData(value)) {
    // A (nested) number array is data, not a pytree of scalars: differentiate it as one tensor.
    flat = [fromNested(value, undefined, op)];
    def = { kind: "leaf" };
  } else [flat, def] = treeFlatten(value);
  const leaves: Tensor[] = [];
  const numeric: boolean[] = [];
  for (const l of flat) {
    if (typeof l === "number") {
      leaves.push(scalarTensor(l, "float64", true)); // weak, like the JS number it stands for
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
  // A number's derivative is a number when it is one value (grad); Jacobian blocks stay tensors.
  const out = values.map((v, i) => (arg.numeric[i] && v.trace === null && v.shape.length === 0 ? v.item() : v));
  return treeUnflatten(arg.def, out);
}

/**
 * Flattens a (co)tangent against the structure `def` of the value it pairs with: where `def` has a
 * leaf, the (co)tangent may be a tensor, a number or numeric nested data. Mismatches name the path.
 */
export function flattenLike(value: unknown, def: TreeDef, op: string, what: string): Tensor[] {
  const out: Tensor[] = [];
  const walk = (v: unknown, d: TreeDef, path: string): void => {
    switch (d.kind) {
      case "leaf":
        if (v instanceof Tensor) out.push(v);
        else if (typeof v === "number" || typeof v === "boolean" || isNumericData(v)) out.push(fromNested(v, undefined, op));
        else throw new ShapeError(`${op}: the ${what} at ${path} must be a tensor or numbers (it pairs with an array), got ${describe(v)}`);
        return;
      case "none":
        if (v !== null && v !== undefined)
          throw new ShapeError(`${op}: the ${what} at ${path} must be ${String(d.value)} (it pairs with an empty slot), got ${describe(v)}`);
        return;
      case "array":
        if (!Array.isArray(v) || v.length !== d.children.length)
          throw new ShapeError(
            `${op}: the ${what} at ${path} must be an array of ${d.children.length} entries (the value's structure), got ${describe(v)}`,
          );
        d.children.forEach((c, i) => walk(v[i], c, `${path}[${i}]`));
        return;
      case "object": {
        const keys = isPlainObject(v) ? Object.keys(v).sort() : null;
        if (keys === null || keys.length !== d.keys.length || keys.some((k, i) => k !== d.keys[i]))
          throw new ShapeError(
            `${op}: the ${what} at ${path} must be an object with keys {${d.keys.join(", ")}} (the value's structure), got ${describe(v)}`,
          );
        d.children.forEach((c, i) => walk((v as Record<string, unknown>)[d.keys[i]], c, `${path}.${d.keys[i]}`));
        return;
      }
    }
  };
  walk(value, def, "the root");
  return out;
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) return `an array of ${v.length} entries`;
  if (isPlainObject(v)) return `an object with keys {${Object.keys(v).sort().join(", ")}}`;
  return `${typeof v} ${String(v)}`;
}
