import { Tensor } from "../tensor/tensor.js";
import { ArgumentError } from "../errors.js";

// Argument reading shared by the rearranging, padding, sorting and differencing functions:
// NumPy's keyword arguments arrive either positionally or in one trailing options object.

/** A trailing options object: a plain object, not a tensor, array or number. */
export function isOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/** A list of integers from a number, an array of numbers or an integer tensor (a 0-d one is one number). */
export function intList(v: unknown, op: string, what: string): number[] {
  let list: number[];
  if (typeof v === "number") list = [v];
  else if (v instanceof Tensor) {
    const c = v.concrete();
    if (c.ndim > 1) throw new ArgumentError(`${op}: ${what} must be an integer or a 1-d list of integers, got a tensor of shape (${c.shape.join(", ")})`);
    list = Array.from(c.contiguousData(false));
  } else if (Array.isArray(v)) list = v.map((x) => (x instanceof Tensor ? x.item() : (x as number)));
  else throw new ArgumentError(`${op}: ${what} must be an integer or a list of integers, got ${typeof v}`);
  for (const x of list)
    if (typeof x !== "number" || !Number.isInteger(x)) throw new ArgumentError(`${op}: ${what} must be integers, got ${JSON.stringify(v instanceof Tensor ? list : v)}`);
  return list;
}
