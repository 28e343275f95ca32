// The program a fused elementwise kernel runs: what `jit` hands to the kernel compilers after
// grouping a traced graph's elementwise primitives (src/transforms/jit). One loop over n
// elements computes every op once per element, writes the values other code needs to output
// arrays and sums others over all elements, so the intermediates of an elementwise chain never
// touch memory. Two compilers take it: JS (fused/js.ts, every op, bitwise equal to the eager
// kernels) and WebAssembly SIMD (fused/wasm*.ts, a subset, float32 within 2 ulp).
import { TypedArray } from "../../tensor/dtype.js";

/** How input k is read at element i (of n): `array` in[i], `scalar` in, `row` in[i % m], `col` in[floor(i / m)]. */
export type FusedInputKind = "array" | "scalar" | "row" | "col";

/**
 * The ops, with NumPy's semantics on one element (NaN propagates as in NumPy). Unary: neg, abs,
 * exp, log, log1p, expm1, tanh, sin, cos, sqrt, square, reciprocal, relu (x > 0 or NaN ? x : 0),
 * sign. Binary: add, sub, mul, div, max, min (NaN if either is NaN), relu_grad (g, x) = x > 0 ? g : 0.
 * `fn` ops stand for any other elementwise primitive: the JS compiler calls their scalar
 * function; the Wasm compiler refuses the program.
 */
export type FusedOpName =
  | "neg" | "abs" | "exp" | "log" | "log1p" | "expm1" | "tanh" | "sin" | "cos" | "sqrt" | "square"
  | "reciprocal" | "relu" | "sign"
  | "add" | "sub" | "mul" | "div" | "max" | "min" | "relu_grad"
  | "fn";

export interface FusedOp {
  op: FusedOpName;
  /** Value ids of the operands: input k is value k; ops[j] is value inputs.length + j. */
  args: number[];
  /**
   * The primitive's scalar function (float64 in, float64 out; rounded to float32 after): set by
   * jit on every op, needed by `fn` ops; the JS compiler calls it where it has no inline form.
   */
  fn?: (...xs: number[]) => number;
}

export interface FusedProgram {
  /** Every input, op and output has this dtype; float32 values are rounded after each op. */
  dtype: "float32" | "float64";
  inputs: FusedInputKind[];
  ops: FusedOp[];
  /** Value ids written to output arrays of n elements (in this order). */
  outputs: number[];
  /** Value ids summed over the n elements (accumulated in float64), returned in this order. */
  sums: number[];
}

/**
 * Runs a compiled program. `m` is the row length for `row` and `col` inputs (n % m === 0), `ins`
 * are typed arrays starting at element 0 (or numbers for `scalar` inputs), `outs` arrays of at
 * least n elements; returns the sums.
 */
export type FusedKernel = (n: number, m: number, ins: (TypedArray | number)[], outs: TypedArray[]) => number[];

/** Most compiled kernels a compiler keeps (a program with many distinct graphs evicts the oldest). */
export const KERNEL_CACHE_SIZE = 512;

/** Stores `value` under `key`, evicting the oldest entry past KERNEL_CACHE_SIZE. */
export function remember<K, V>(cache: Map<K, V>, key: K, value: V): void {
  cache.set(key, value);
  if (cache.size > KERNEL_CACHE_SIZE) cache.delete(cache.keys().next().value as K);
}
