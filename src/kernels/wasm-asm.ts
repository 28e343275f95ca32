// Statement-level helpers over the fused compiler's binary writer (./fused/wasm-emit.ts) for the
// hand-written data-movement kernels (./wasm-pool.ts): integer arithmetic on locals, counted
// loops, and v128 loads and stores at a local address plus a constant offset. Only the opcodes
// these kernels use; everything else goes through `Body.raw` and `Body.simd`.
import { Body, Expr, I32, S, buildModule, memarg } from "./fused/wasm-emit.js";
import { wasmAvailable } from "./wasm/loader.js";
import { wasmMemory } from "./wasm/arena.js";

/** Appends signed LEB128 (i32.const immediates). */
function sleb(out: number[], v: number): void {
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** An i32 operand: a local (by index, boxed) or a constant. */
export type IntArg = { l: number } | number;

function pushInt(b: Body, a: IntArg): void {
  if (typeof a === "number") {
    b.code.push(0x41);
    sleb(b.code, a);
  } else b.push(a.l);
}

const OP = { add: 0x6a, sub: 0x6b, mul: 0x6c } as const;

/** local `dst` = x (op) y, for i32 add, sub and mul. */
export function iset(b: Body, dst: number, x: IntArg, op: keyof typeof OP, y: IntArg): void {
  pushInt(b, x);
  pushInt(b, y);
  b.raw(OP[op]);
  b.pop(dst);
}

/** local `dst` = x. */
export function imov(b: Body, dst: number, x: IntArg): void {
  pushInt(b, x);
  b.pop(dst);
}

/** local `dst` = min(x, y) (signed). */
export function imin(b: Body, dst: number, x: IntArg, y: IntArg): void {
  pushInt(b, x);
  pushInt(b, y);
  pushInt(b, x);
  pushInt(b, y);
  b.raw(0x48, 0x1b); // i32.lt_s, select
  b.pop(dst);
}

/** A do-while loop: `body`, then back to its start while local `l` (signed) < `limit`. */
export function loopWhileLess(b: Body, body: () => void, l: number, limit: IntArg): void {
  b.raw(0x03, 0x40);
  body();
  b.push(l);
  pushInt(b, limit);
  b.raw(0x48, 0x0d, 0, 0x0b); // i32.lt_s, br_if 0, end
}

/** A do-while loop that decrements local `count` after `body` and repeats while it is non-zero. */
export function loopCount(b: Body, count: number, body: () => void): void {
  b.raw(0x03, 0x40);
  body();
  iset(b, count, { l: count }, "sub", 1);
  b.push(count);
  b.raw(0x0d, 0, 0x0b);
}

/** A v128 load from the address in local `addr` plus `offset` bytes (any alignment). */
export function vload(addr: number, offset = 0): Expr {
  return (b) => {
    b.push(addr);
    b.simd(S.load);
    memarg(b, offset, 0);
  };
}

/** Stores a v128 at the address in local `addr` plus `offset` bytes (any alignment). */
export function vstore(b: Body, addr: number, offset: number, v: Expr): void {
  b.push(addr);
  v(b);
  b.simd(S.store);
  memarg(b, offset, 0);
}

/** i8x16.shuffle of two vectors picking the given four 32-bit lanes (0-3 of x, 4-7 of y). */
export function shuffle32(x: Expr, y: Expr, lanes: [number, number, number, number]): Expr {
  return (b) => {
    x(b);
    y(b);
    b.simd(S.shuffle);
    for (const l of lanes) b.raw(4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3);
  };
}

/** i32x4.splat of an i32 operand. */
export function splat(a: IntArg): Expr {
  return (b) => {
    pushInt(b, a);
    b.simd(S.i32x4Splat);
  };
}

/** A function of i32 params and no result, exported as `name`. */
export interface KernelFunc {
  name: string;
  nParams: number;
  body: Body;
}

/**
 * Compiles and instantiates the functions over the library's one Wasm memory; null when Wasm
 * SIMD is off or missing, or the engine refuses the module (a CSP, say).
 */
export function instantiate(funcs: KernelFunc[]): Record<string, (...args: number[]) => void> | null {
  if (!wasmAvailable()) return null;
  const bytes = buildModule([], funcs.map((f) => ({ params: new Array<number>(f.nParams).fill(I32), results: [], body: f.body, export: f.name })));
  try {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: wasmMemory() } });
    return inst.exports as unknown as Record<string, (...args: number[]) => void>;
  } catch {
    return null;
  }
}

export type Kernels = Record<string, (...args: number[]) => void>;

/**
 * A getter for a module's kernels, built on first use: null while Wasm is off or unavailable
 * (then asked again next time, so switching Wasm back on takes effect), or when compilation
 * failed (then never retried).
 */
export function lazyKernels(funcs: () => KernelFunc[]): () => Kernels | null {
  let kernels: Kernels | null | undefined;
  return () => {
    if (!wasmAvailable()) return null;
    if (kernels === undefined) kernels = instantiate(funcs());
    return kernels;
  };
}
