// Eager elementwise primitives on large contiguous float arrays through the fused-kernel
// compiler's WebAssembly SIMD (one-op programs, compiled once each). Arithmetic (+ - * /, max,
// min, negation, abs, square, sqrt, reciprocal, relu and its gradient) is IEEE-exact there, so float32 and float64
// results are bitwise the JS loops' (a float32 op computed in float64 and rounded once equals the
// float32 op); it runs 2x (float32) to 1.2x (float64) faster, the JS loops being slowed by
// per-element bounds and pointer checks on typed-array parameters. The float32 transcendentals
// are within 2 ulp of the correctly rounded result, as ARCHITECTURE.md allows for float32;
// float64 ones stay on Math.*. Small, strided or mixed-dtype operands stay on the JS loops.
import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { TypedArray, allocArray } from "../tensor/dtype.js";
import { shapesEqual } from "../tensor/shape.js";
import type { Arg } from "../core/primitive.js";
import { FusedInputKind, FusedKernel, FusedOpName } from "../kernels/fused/program.js";
import { compileFusedWasm } from "../kernels/fused/wasm.js";
import { wasmAvailable } from "../kernels/wasm/loader.js";

/** Below this many elements the JS loop's lower fixed cost wins. */
export const WASM_MIN_SIZE = 4096;

/** float32 only: approximations within 2 ulp (float64 keeps Math.*, which is exact enough). */
const TRANSCENDENTAL: Partial<Record<string, FusedOpName>> = {
  exp: "exp", log: "log", log1p: "log1p", expm1: "expm1", tanh: "tanh", sin: "sin", cos: "cos",
};
/** Exact in both dtypes. */
const EXACT_UNARY: Partial<Record<string, FusedOpName>> = {
  negative: "neg", abs: "abs", fabs: "abs", square: "square", sqrt: "sqrt", reciprocal: "reciprocal", relu: "relu",
};
const BINARY: Partial<Record<string, FusedOpName>> = {
  add: "add", subtract: "sub", multiply: "mul", divide: "div", maximum: "max", minimum: "min", relu_grad: "relu_grad",
};

const kernels = new Map<string, FusedKernel | null>();
let calls = 0;

/** How many eager ops have run through Wasm here (for tests: which path an op took). */
export function elementwiseWasmCalls(): number {
  return calls;
}

function kernel(dtype: "float32" | "float64", op: FusedOpName, inputs: FusedInputKind[]): FusedKernel | null {
  // Asked on every call: a kernel compiled earlier must not run once Wasm is switched off.
  if (!wasmAvailable()) return null;
  const key = `${dtype} ${op} ${inputs.join(",")}`;
  let k = kernels.get(key);
  if (k === undefined) {
    const args = inputs.map((_, i) => i);
    k = compileFusedWasm({ dtype, inputs, ops: [{ op, args }], outputs: [inputs.length], sums: [] });
    kernels.set(key, k);
  }
  return k;
}

/** The values of a contiguous tensor as one flat run (its storage, or a subarray of it). */
function flat(x: Tensor): TypedArray {
  const buf = x.buffer();
  return x.offset === 0 && buf.length === x.size ? buf : (buf.subarray(x.offset, x.offset + x.size) as TypedArray);
}

const floatDtype = (x: Tensor): "float32" | "float64" | null => (x.kind === 1 ? "float32" : x.kind === 0 ? "float64" : null);

/** A unary primitive's result through Wasm, or null where the JS loop must serve. */
export function unaryWasm(name: string, x: Tensor): Tensor | null {
  const dtype = floatDtype(x);
  if (dtype === null || x.size < WASM_MIN_SIZE || !x.isContiguous) return null;
  const op = EXACT_UNARY[name] ?? (dtype === "float32" ? TRANSCENDENTAL[name] : undefined);
  if (op === undefined) return null;
  const k = kernel(dtype, op, ["array"]);
  if (k === null) return null;
  const out = allocArray(dtype, x.size);
  k(x.size, 1, [flat(x)], [out]);
  calls++;
  return fromBuffer(out, x.shape, dtype);
}

/** How the smaller operand of a binary op is read against the larger, contiguous one. */
function operandKind(big: Tensor, other: Arg): { kind: FusedInputKind; value: TypedArray | number; m: number } | null {
  if (typeof other === "number") return { kind: "scalar", value: other, m: 1 };
  if (other.dtype !== big.dtype || other.ndim > big.ndim || !other.isContiguous) return null;
  if (other.size === 1) return { kind: "scalar", value: flat(other)[0], m: 1 };
  if (other.ndim === big.ndim && other.shape.every((d, i) => d === big.shape[i])) return { kind: "array", value: flat(other), m: 1 };
  // A row: `other` spans the trailing axes of `big` (a bias over a batch, say).
  const lead = big.ndim - other.ndim;
  for (let i = 0; i < other.ndim; i++) if (other.shape[i] !== big.shape[lead + i]) return null;
  return { kind: "row", value: flat(other), m: other.size };
}

/**
 * A binary primitive's result through Wasm, or null where the JS loops must serve: both
 * operands of one float dtype (or a JS number, which takes the tensor's dtype as in the eager
 * kernels), one of them contiguous with at least WASM_MIN_SIZE elements and the result's shape,
 * the other the same shape, a single value or a row over its trailing axes.
 */
export function binaryWasm(name: string, a: Arg, b: Arg): Tensor | null {
  const op = BINARY[name];
  if (op === undefined) return null;
  // The operand with the result's shape: the larger one (ties: the first).
  const big = typeof a !== "number" && (typeof b === "number" || a.size >= b.size) ? a : typeof b !== "number" ? b : null;
  if (big === null || big.size < WASM_MIN_SIZE || !big.isContiguous) return null;
  const dtype = floatDtype(big);
  if (dtype === null) return null;
  const other = operandKind(big, big === a ? b : a);
  if (other === null) return null;
  const inputs: FusedInputKind[] = big === a ? ["array", other.kind] : [other.kind, "array"];
  const k = kernel(dtype, op, inputs);
  if (k === null) return null;
  const values = big === a ? [flat(big), other.value] : [other.value, flat(big)];
  const out = allocArray(dtype, big.size);
  k(big.size, other.m, values, [out]);
  calls++;
  return fromBuffer(out, big.shape, dtype);
}

/**
 * A unary primitive's first-order VJP `g * f'(x)` written as fused ops over the cotangent "g",
 * the output "a" and the input "x" (numbers are constants taking the dtype): the same
 * operations, in the same order, as the primitive's `fusedVjp`, each rounded once as `fusedVjp`
 * rounds, so both give the same bits (test/np/elementwise-wasm.test.ts holds them to it).
 * Arithmetic and sqrt only, which Wasm computes exactly.
 */
export type VjpExpr = "g" | "a" | "x" | number | [FusedOpName, ...VjpExpr[]];

interface VjpKernel {
  kernel: FusedKernel;
  /** Per input: "g", "a", "x" or a constant. */
  feeds: ("g" | "a" | "x" | number)[];
}
const vjpKernels = new Map<string, VjpKernel | null>();
let vjpCalls = 0;

/** How many one-pass VJPs/JVPs have run through Wasm (for tests). */
export function vjpWasmCalls(): number {
  return vjpCalls;
}

function vjpKernel(name: string, expr: VjpExpr, dtype: "float32" | "float64", gScalar: boolean): VjpKernel | null {
  if (!wasmAvailable()) return null;
  const key = `${name} ${dtype} ${gScalar}`;
  let k = vjpKernels.get(key);
  if (k !== undefined) return k;
  const feeds: VjpKernel["feeds"] = [];
  const inputs: FusedInputKind[] = [];
  const ops: { op: FusedOpName; args: number[] }[] = [];
  const leafIds = new Map<string | number, number>();
  // Inputs first (value ids 0..), then ops; op ids are fixed up once the inputs are known.
  const pending: { op: FusedOpName; args: (number | { op: number })[] }[] = [];
  const walk = (e: VjpExpr): number | { op: number } => {
    if (!Array.isArray(e)) {
      let id = leafIds.get(e);
      if (id === undefined) {
        id = feeds.length;
        feeds.push(e);
        inputs.push(typeof e === "number" || (e === "g" && gScalar) ? "scalar" : "array");
        leafIds.set(e, id);
      }
      return id;
    }
    const [op, ...args] = e;
    const a = args.map(walk);
    pending.push({ op, args: a });
    return { op: pending.length - 1 };
  };
  const root = walk(expr);
  const nIn = feeds.length;
  const fix = (v: number | { op: number }): number => (typeof v === "number" ? v : nIn + v.op);
  for (const p of pending) ops.push({ op: p.op, args: p.args.map(fix) });
  const kernel = compileFusedWasm({ dtype, inputs, ops, outputs: [fix(root)], sums: [] });
  k = kernel === null ? null : { kernel, feeds };
  vjpKernels.set(key, k);
  return k;
}

const isBroadcastScalar = (t: Tensor): boolean => t.strides.every((s) => s === 0);

/**
 * `expr` evaluated through Wasm for a first-order backward (or forward) pass over concrete
 * tensors of one float dtype and shape, `ans` and `x` contiguous, `g` contiguous or a broadcast
 * scalar, at least WASM_MIN_SIZE elements; null otherwise (the JS `fusedVjp` loop serves).
 */
export function vjpWasm(name: string, expr: VjpExpr, g: Tensor, ans: Tensor, x: Arg): Tensor | null {
  if (typeof x === "number" || ans.size < WASM_MIN_SIZE || g.trace !== null || ans.trace !== null || x.trace !== null) return null;
  const dtype = floatDtype(ans);
  if (dtype === null || x.dtype !== ans.dtype || g.dtype !== ans.dtype || !ans.isContiguous || !x.isContiguous) return null;
  if (!shapesEqual(g.shape, ans.shape) || !shapesEqual(x.shape, ans.shape)) return null;
  const gScalar = !g.isContiguous;
  if (gScalar && !isBroadcastScalar(g)) return null;
  const k = vjpKernel(name, expr, dtype, gScalar);
  if (k === null) return null;
  const values = k.feeds.map((f) => (typeof f === "number" ? f : f === "g" ? (gScalar ? g.buffer()[g.offset] : flat(g)) : f === "a" ? flat(ans) : flat(x)));
  const out = allocArray(dtype, ans.size);
  k.kernel(ans.size, 1, values, [out]);
  vjpCalls++;
  return fromBuffer(out, ans.shape, dtype);
}
