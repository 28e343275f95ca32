// Compiles a fused elementwise program to one JS loop (new Function, like the eager kernels'
// per-function copies): every op runs the primitive's own scalar function, float32 values are
// rounded after each op, so results are bitwise those of the eager kernels, minus the
// intermediate arrays. Sums accumulate in float64.
import { FusedKernel, FusedProgram, remember } from "./program.js";

const cache = new Map<string, FusedKernel>();

/** Inline forms of exact arithmetic (what the primitives' scalar functions compute). */
const INLINE: Partial<Record<string, (a: string, b: string) => string>> = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  div: (a, b) => `${a} / ${b}`,
  neg: (a) => `-${a}`,
};

function key(p: FusedProgram): string {
  // Scalar functions are part of the identity: two programs with `fn` ops differ by function.
  return JSON.stringify([p.dtype, p.inputs, p.ops.map((o) => [o.op, o.args]), p.outputs, p.sums]);
}

/** `const v<id> = ...;` for each op of `p`, its inputs bound to v0..v<nIn-1> before. */
function opLines(p: FusedProgram, fns: readonly (((...xs: number[]) => number) | null)[]): string[] {
  const R = (e: string): string => (p.dtype === "float32" ? `R(${e})` : e);
  const nIn = p.inputs.length;
  return p.ops.map((o, j) => {
    const a = o.args.map((x) => `v${x}`);
    const inline = INLINE[o.op];
    let e: string;
    if (inline !== undefined) e = inline(a[0], a[1]);
    else if (fns[j] !== null) e = `f${j}(${a.join(", ")})`;
    else throw new Error(`internal: fused op ${o.op} has no scalar function`);
    // Negation is exact in float32; everything else is rounded like an eager float32 store.
    return `const v${nIn + j} = ${o.op === "neg" ? e : R(e)};`;
  });
}

/** A JS literal that evaluates to exactly `v` (-0, NaN and infinities included). */
function literal(v: number): string {
  if (Object.is(v, -0)) return "-0";
  return Number.isFinite(v) || Number.isNaN(v) ? String(v) : v > 0 ? "Infinity" : "-Infinity";
}

/** Where a 0-d program's input comes from: a slot of the value array, or a number fixed at compile time. */
export type ScalarSource = { slot: number } | { value: number };

/** A compiled 0-d program: reads and writes its values in `E` (float32 values are stored exactly). */
export type ScalarKernel = (E: Float64Array) => void;

/**
 * A 0-d program (no sums) as straight-line code over one array of value slots: input i comes
 * from `inputs[i]`, output j goes to slot `outSlots[j]`. jit chains such kernels through one
 * array, so values passed between them never become tensors. Ops as in compileFusedJs (bitwise
 * the eager 0-d kernels).
 */
export function compileScalarJs(p: FusedProgram, inputs: readonly ScalarSource[], outSlots: readonly number[]): ScalarKernel {
  if (p.sums.length > 0) throw new Error("internal: a 0-d program has no sums");
  const fns = p.ops.map((o) => o.fn ?? null);
  // Slots hold values of the program's dtype already; literals (weak scalars) take it here.
  const typed = (v: number): number => (p.dtype === "float32" ? Math.fround(v) : v);
  const lines = inputs.map((src, i) => `const v${i} = ${"slot" in src ? `E[${src.slot}]` : literal(typed(src.value))};`);
  lines.push(...opLines(p, fns));
  p.outputs.forEach((v, j) => lines.push(`E[${outSlots[j]}] = v${v};`));
  try {
    const factory = new Function("R", ...fns.map((_, j) => `f${j}`), `"use strict"; return function fusedScalar(E) {\n${lines.join("\n")}\n};`) as (
      ...xs: unknown[]
    ) => ScalarKernel;
    return factory(Math.fround, ...fns);
  } catch {
    // Code generation refused (a Content-Security-Policy without 'unsafe-eval'): interpret.
    const kernel = interpret(p);
    const ins: number[] = inputs.map(() => 0);
    const outs = p.outputs.map(() => new Float64Array(1));
    return (E) => {
      inputs.forEach((src, i) => (ins[i] = "slot" in src ? E[src.slot] : typed(src.value)));
      kernel(1, 1, ins, outs);
      outs.forEach((o, j) => (E[outSlots[j]] = o[0]));
    };
  }
}

export function compileFusedJs(p: FusedProgram): FusedKernel {
  const fns = p.ops.map((o) => o.fn ?? null);
  const k = key(p);
  const hit = cache.get(k);
  if (hit !== undefined && fnsOf.get(hit)!.every((f, i) => f === fns[i])) return hit;
  const f32 = p.dtype === "float32";
  const nIn = p.inputs.length;
  const lines: string[] = [];
  const pre: string[] = [];
  // A number input (a weak scalar) takes the program's dtype first, as in the eager kernels:
  // 1.0001 multiplies float32 values as Math.fround(1.0001).
  for (let i = 0; i < nIn; i++) pre.push(`const in${i} = ${f32 && p.inputs[i] === "scalar" ? `R(ins[${i}])` : `ins[${i}]`};`);
  p.outputs.forEach((_, j) => pre.push(`const out${j} = outs[${j}];`));
  // float64 sums are compensated (Neumaier), at least as accurate as the eager pairwise sum;
  // float32 values summed in float64 need no compensation.
  p.sums.forEach((_, j) => pre.push(`let sum${j} = 0, c${j} = 0;`));
  const hasRow = p.inputs.includes("row");
  const hasCol = p.inputs.includes("col");
  p.inputs.forEach((kind, i) => {
    const at = kind === "array" ? `in${i}[i]` : kind === "scalar" ? `in${i}` : kind === "row" ? `in${i}[j]` : `in${i}[q]`;
    lines.push(`const v${i} = ${at};`);
  });
  lines.push(...opLines(p, fns));
  p.outputs.forEach((v, j) => lines.push(`out${j}[i] = v${v};`));
  p.sums.forEach((v, j) =>
    lines.push(
      f32
        ? `sum${j} += v${v};`
        : `{ const t = sum${j} + v${v}; c${j} += Math.abs(sum${j}) >= Math.abs(v${v}) ? (sum${j} - t) + v${v} : (v${v} - t) + sum${j}; sum${j} = t; }`,
    ),
  );
  if (hasRow || hasCol) lines.push("if (++j === m) { j = 0; q++; }");
  const body =
    `${pre.join("\n")}\nlet j = 0, q = 0;\n` +
    `for (let i = 0; i < n; i++) {\n${lines.join("\n")}\n}\n` +
    `return [${p.sums.map((_, j) => (f32 ? `sum${j}` : `(Number.isFinite(sum${j}) ? sum${j} + c${j} : sum${j})`)).join(", ")}];`;
  const params = ["R", ...fns.map((_, j) => `f${j}`)];
  let kernel: FusedKernel;
  try {
    const factory = new Function(...params, `"use strict"; return function fused(n, m, ins, outs) {\n${body}\n};`) as (
      ...xs: unknown[]
    ) => FusedKernel;
    kernel = factory(Math.fround, ...fns);
  } catch {
    kernel = interpret(p); // a Content-Security-Policy without 'unsafe-eval'
  }
  fnsOf.set(kernel, fns);
  remember(cache, k, kernel);
  return kernel;
}

const fnsOf = new WeakMap<FusedKernel, (((...xs: number[]) => number) | null)[]>();

/** The same loop as an interpreter over the op list: slower, for where code generation is refused. */
function interpret(p: FusedProgram): FusedKernel {
  const nIn = p.inputs.length;
  const round = p.dtype === "float32" ? Math.fround : (v: number) => v;
  return (n, m, ins, outs) => {
    const v = new Float64Array(nIn + p.ops.length);
    const sums = p.sums.map(() => 0);
    let j = 0, q = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < nIn; k++) {
        const src = ins[k], kind = p.inputs[k];
        v[k] = typeof src === "number" ? round(src) : src[kind === "array" ? i : kind === "row" ? j : q];
      }
      for (let o = 0; o < p.ops.length; o++) {
        const op = p.ops[o], a = op.args;
        const r = (op.fn as (...xs: number[]) => number)(...a.map((x) => v[x]));
        v[nIn + o] = round(r);
      }
      for (let k = 0; k < p.outputs.length; k++) outs[k][i] = v[p.outputs[k]];
      for (let k = 0; k < p.sums.length; k++) sums[k] += v[p.sums[k]];
      if (++j === m) {
        j = 0;
        q++;
      }
    }
    return sums;
  };
}
