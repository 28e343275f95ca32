import { ArgumentError } from "../errors.js";

/** An int or an (height, width) pair, as PyTorch's 2-d layers take kernel sizes and strides. */
export type IntPair = number | readonly [number, number] | readonly number[];

/** Reads an int-or-pair option; `min` is the smallest allowed value. */
export function readPair(v: IntPair, name: string, op: string, min: number, dims = 2): number[] {
  const arr = typeof v === "number" ? new Array<number>(dims).fill(v) : Array.from(v);
  if (arr.length === 1 && dims > 1) while (arr.length < dims) arr.push(arr[0]);
  if (arr.length !== dims || !arr.every((a) => Number.isInteger(a) && a >= min))
    throw new ArgumentError(`${op}: ${name} must be an integer >= ${min} or ${dims} of them, got ${JSON.stringify(v)}`);
  return arr;
}
