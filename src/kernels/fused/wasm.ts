// Compiles a fused elementwise program (program.ts) to a WebAssembly SIMD module at run time:
// loops over the staged chunk, two vectors of four float32 (or two float64) lanes per step,
// every op of the program computed once per element in registers, outputs stored, sums
// accumulated in float64 (one loop per transcendental op, see planSegments, so that the values
// fit the registers; the two vectors' code interleaved, see `interleave`).
// The runner (wasm-run.ts) stages JS arrays through the library's one Wasm memory chunk by
// chunk. Returns null, for the caller to use the JS compiler, when the runtime lacks
// WebAssembly SIMD or the Wasm path is switched off, when the program has an op this compiler
// does not do (`fn`; any transcendental in float64, whose results must be exactly Math.*'s),
// or when the engine refuses the module (a CSP, a browser's limit on synchronous compiles).
import type { FusedProgram, FusedKernel, FusedOpName } from "./program.js";
import { remember } from "./program.js";
import { Body, Expr, F64, I32, S, V128, buildModule, f32x4c, f64x2c, get, i32x4v, memarg, simdOp, swapHalves } from "./wasm-emit.js";
import { exp32, expm1_32, log1p32, log32, tanh32 } from "./wasm-math.js";
import { trig32 } from "./wasm-trig.js";
import { Layout, planLayout, makeRunner } from "./wasm-run.js";
import { wasmAvailable } from "../wasm/loader.js";
import { reserve, wasmMemory } from "../wasm/arena.js";

type Unary = (b: Body, x: Expr) => Expr;

/** Ops computed with float32 polynomials (wasm-math.ts): float32 programs only. */
const TRANSCENDENTAL: Partial<Record<FusedOpName, Unary>> = {
  exp: exp32,
  expm1: expm1_32,
  log: log32,
  log1p: log1p32,
  tanh: tanh32,
  sin: (b, x) => trig32(b, x, false),
  cos: (b, x) => trig32(b, x, true),
};

/** What the modules may import: the scalar fallbacks of sin and cos (wasm-trig.ts). */
const MATH_IMPORTS: Record<string, (x: number) => number> = { sin: Math.sin, cos: Math.cos };

/** Float ops of one lane width: the arithmetic that IEEE makes exact in either width. */
interface Lanes {
  add: number; sub: number; mul: number; div: number; neg: number; abs: number; sqrt: number;
  eq: number; ne: number; lt: number; gt: number; le: number;
  c: (v: number) => Expr;
}

const F32_LANES: Lanes = {
  add: S.f32x4Add, sub: S.f32x4Sub, mul: S.f32x4Mul, div: S.f32x4Div, neg: S.f32x4Neg, abs: S.f32x4Abs,
  sqrt: S.f32x4Sqrt, eq: S.f32x4Eq, ne: S.f32x4Ne, lt: S.f32x4Lt, gt: S.f32x4Gt, le: S.f32x4Le, c: f32x4c,
};
const F64_LANES: Lanes = {
  add: S.f64x2Add, sub: S.f64x2Sub, mul: S.f64x2Mul, div: S.f64x2Div, neg: S.f64x2Neg, abs: S.f64x2Abs,
  sqrt: S.f64x2Sqrt, eq: S.f64x2Eq, ne: S.f64x2Ne, lt: S.f64x2Lt, gt: S.f64x2Gt, le: S.f64x2Le, c: f64x2c,
};

/**
 * One op on one vector of lanes, with the eager kernels' exact semantics (src/kernels/
 * elementwise.ts, src/ops/relu.ts): maximum/minimum return x when x is NaN or wins, else y (so
 * NaN propagates and ties of +0/-0 give y, unlike Wasm's max/min); relu(NaN) = NaN, relu(-0) = +0;
 * sign(+-0) = +0.
 */
function emitOp(b: Body, L: Lanes, op: FusedOpName, a: Expr[]): Expr | null {
  const [x, y] = a;
  const bin = (o: number, p: Expr, q: Expr): Expr => simdOp(o, p, q);
  switch (op) {
    case "add": return bin(L.add, x, y);
    case "sub": return bin(L.sub, x, y);
    case "mul": return bin(L.mul, x, y);
    case "div": return bin(L.div, x, y);
    case "neg": return L === F32_LANES && b.f32Masks !== null ? simdOp(S.xor, x, b.f32Masks.sign) : simdOp(L.neg, x);
    case "abs": return L === F32_LANES && b.f32Masks !== null ? simdOp(S.and, x, b.f32Masks.abs) : simdOp(L.abs, x);
    case "sqrt": return simdOp(L.sqrt, x);
    case "square": return bin(L.mul, x, x);
    case "reciprocal": return bin(L.div, L.c(1), x);
    case "max": return simdOp(S.bitselect, x, y, simdOp(S.or, bin(L.gt, x, y), bin(L.ne, x, x)));
    case "min": return simdOp(S.bitselect, x, y, simdOp(S.or, bin(L.lt, x, y), bin(L.ne, x, x)));
    case "relu": return simdOp(S.andnot, x, bin(L.le, x, L.c(0)));
    case "relu_grad": return simdOp(S.and, x, bin(L.gt, y, L.c(0)));
    case "sign": {
      const pos = simdOp(S.and, bin(L.gt, x, L.c(0)), L.c(1));
      const negv = simdOp(S.and, bin(L.lt, x, L.c(0)), L.c(-1));
      return simdOp(S.or, simdOp(S.or, pos, negv), simdOp(S.and, bin(L.ne, x, x), x));
    }
    default: {
      const f = TRANSCENDENTAL[op];
      return f !== undefined && L === F32_LANES ? f(b, x) : null;
    }
  }
}

const ARITY: Record<FusedOpName, number> = {
  neg: 1, abs: 1, exp: 1, log: 1, log1p: 1, expm1: 1, tanh: 1, sin: 1, cos: 1, sqrt: 1, square: 1,
  reciprocal: 1, relu: 1, sign: 1, add: 2, sub: 2, mul: 2, div: 2, max: 2, min: 2, relu_grad: 2, fn: -1,
};

/** Null when an op is unknown, has the wrong arity or reads a value not yet defined. */
function validProgram(p: FusedProgram): boolean {
  const nIn = p.inputs.length;
  const ok = p.ops.every((o, j) => o.op !== "fn" && ARITY[o.op] === o.args.length && o.args.every((v) => Number.isInteger(v) && v >= 0 && v < nIn + j));
  const nv = nIn + p.ops.length;
  return ok && [...p.outputs, ...p.sums].every((v) => Number.isInteger(v) && v >= 0 && v < nv);
}

/** Ops that a later loop recomputes instead of reading from scratch when their cone is this cheap. */
const REMAT_COST = 3;
const COSTLY = new Set<FusedOpName>(["div", "sqrt", "reciprocal"]);

export interface SegmentPlan {
  /** Per loop, the op indices it computes, in program order (an op may be computed by several). */
  segments: number[][];
  /** Value ids computed in one loop and read by a later one through a scratch slot. */
  crossing: number[];
}

/**
 * Loop fission: one loop per transcendental op, each over the whole chunk; the last loop also
 * computes the outputs and sums. One loop over everything keeps more values live than the 16
 * SIMD registers hold (V8 spilled or reloaded 62 of W2's 230 instructions per vector). Each
 * loop computes what it needs on demand: transcendental results of earlier loops, and
 * arithmetic whose recomputation would cost more than REMAT_COST ops, are read from scratch
 * slots (one store and one load of L1-resident memory per vector); cheap arithmetic such as
 * x * x is recomputed from the inputs, which costs less than the store, the load and the cache
 * space (W2: two scratch slots instead of five).
 */
export function planSegments(p: FusedProgram): SegmentPlan {
  const nIn = p.inputs.length;
  const trans = p.ops.flatMap((o, j) => (o.op in TRANSCENDENTAL ? [j] : []));
  const isTrans = p.ops.map((o) => o.op in TRANSCENDENTAL);
  // Ops needed to recompute an arithmetic value from inputs and transcendental results.
  const cost: number[] = [];
  p.ops.forEach((o, j) => {
    let c = COSTLY.has(o.op) ? 4 : 1;
    for (const v of o.args) if (v >= nIn && !isTrans[v - nIn]) c += cost[v - nIn];
    cost.push(isTrans[j] ? 0 : Math.min(c, 1e9));
  });
  const home = new Array<number>(p.ops.length).fill(-1);
  const crossing = new Set<number>();
  const nSeg = Math.max(1, trans.length);
  const segments: number[][] = [];
  for (let s = 0; s < nSeg; s++) {
    const needed = new Set<number>();
    const demand = (v: number): void => {
      const j = v - nIn;
      if (j < 0 || needed.has(j)) return;
      const earlier = home[j] >= 0 && home[j] < s;
      if (earlier && (isTrans[j] || cost[j] > REMAT_COST)) {
        crossing.add(v);
        return;
      }
      needed.add(j);
      if (home[j] < 0) home[j] = s;
      for (const a of p.ops[j].args) demand(a);
    };
    if (trans.length > 0) demand(nIn + trans[s]);
    if (s === nSeg - 1) for (const v of [...p.outputs, ...p.sums]) demand(v);
    segments.push([...needed].sort((a, b) => a - b));
  }
  return { segments, crossing: [...crossing].sort((a, b) => a - b) };
}

/** The module's bytes, or null when an op is unsupported in this dtype. */
export function emitFusedModule(p: FusedProgram, layout: Layout, plan: SegmentPlan): Uint8Array<ArrayBuffer> | null {
  const f32 = p.dtype === "float32";
  const L = f32 ? F32_LANES : F64_LANES;
  const nIn = p.inputs.length;
  const b = new Body(1); // param 0: len (elements in this chunk)
  const i = b.local(I32), end = b.local(I32);
  const maskLoad = (at: number): Expr => (bb) => {
    bb.raw(0x41, 0);
    bb.simd(S.load);
    memarg(bb, at);
  };
  b.f32Masks = { sign: maskLoad(layout.maskAt), abs: maskLoad(layout.maskAt + 16) };

  // end = ceil(len / (2 lanes)) * 32 bytes (two vectors a step); nothing to do for an empty chunk.
  b.raw(0x20, 0, 0x41, f32 ? 7 : 3, 0x6a, 0x41, f32 ? 3 : 2, 0x76, 0x41, 5, 0x74, 0x22, end, 0x45, 0x04, 0x40, 0x0f, 0x0b);

  // Scalars are splat once, before the loops.
  const scalars: (Expr | null)[] = p.inputs.map((kind, k) => {
    if (kind !== "scalar") return null;
    const l = b.local(V128);
    b.raw(0x41, 0);
    b.simd(f32 ? S.load32Splat : S.load64Splat);
    memarg(b, layout.scalarAt[k], f32 ? 2 : 3);
    b.pop(l);
    return get(l);
  });
  const accs: number[][] = p.sums.map(() => (f32 ? [b.local(V128), b.local(V128)] : [b.local(V128)]));
  accs.forEach((pair, s) =>
    pair.forEach((l, h) => {
      b.raw(0x41, 0);
      b.simd(S.load);
      memarg(b, layout.sumAt[s] + 16 * h);
      b.pop(l);
    }),
  );
  // Chunk length as a vector, to mask the lanes past len out of the sums.
  const idx = b.local(V128), lenv = b.local(V128);
  if (p.sums.length > 0) {
    b.push(0);
    if (f32) {
      b.simd(S.i32x4Splat);
    } else {
      b.raw(0xad); // i64.extend_i32_u
      b.simd(S.i64x2Splat);
    }
    b.pop(lenv);
  }
  const scratchOf = new Map(plan.crossing.map((v, j) => [v, layout.scratchAt[j]]));
  const nSeg = plan.segments.length;

  // Lanes 4..7 (f32) or 2..3 (f64) of the second vector of a step, for its sum mask.
  const lenv2 = b.local(V128);
  if (p.sums.length > 0) b.set(lenv2, simdOp(f32 ? S.i32x4Sub : S.i64x2Sub, get(lenv), i32x4v(f32 ? [4, 4, 4, 4] : [2, 0, 2, 0])));

  for (let seg = 0; seg < nSeg; seg++) {
    const last = seg === nSeg - 1;
    b.raw(0x41, 0);
    b.pop(i);
    if (last && p.sums.length > 0) b.set(idx, i32x4v(f32 ? [0, 1, 2, 3] : [0, 0, 1, 0]));
    b.raw(0x03, 0x40); // loop
    // Two vectors per step (bytes i and i + 16), their statements interleaved: each vector's
    // ops form one long dependency chain (a transcendental is ~100 cycles deep), and two
    // independent chains side by side give the out-of-order core work to overlap.
    const start = b.code.length;
    const copies: Copy[] = [];
    for (let copy = 0; copy < 2; copy++) {
      b.marks = [];
      b.branchMarks = [];
      if (!emitStep(seg, last, copy * 16, copy === 0 ? lenv : lenv2)) return null;
      const code = b.code.splice(start);
      copies.push({ code, marks: b.marks.map((m) => m - start), branches: b.branchMarks.map((m) => m - start) });
    }
    b.marks = null;
    interleave(b.code, copies[0], copies[1]);
    if (last && p.sums.length > 0) b.set(idx, simdOp(f32 ? S.i32x4Add : S.i64x2Add, get(idx), i32x4v(f32 ? [8, 8, 8, 8] : [4, 0, 4, 0])));
    // i += 32; continue while i < end.
    b.raw(0x20, i, 0x41, 32, 0x6a, 0x22, i, 0x20, end, 0x49, 0x0d, 0, 0x0b);
  }

  /** One vector of segment `seg` at byte i + off; false when an op is unsupported. */
  function emitStep(seg: number, last: boolean, off: number, lenVec: number): boolean {
    // This loop's view of every value: computed here, or loaded on first use from its slot, or splat.
    const here = new Map<number, Expr>();
    const value = (v: number): Expr => {
      let e = here.get(v);
      if (e !== undefined) return e;
      const sc = v < nIn ? scalars[v] : null;
      if (sc !== null) return sc;
      const l = b.local(V128);
      b.push(i);
      b.simd(S.load);
      memarg(b, off + (v < nIn ? layout.slotAt[v] : (scratchOf.get(v) as number)));
      b.pop(l);
      e = get(l);
      here.set(v, e);
      return e;
    };
    for (const j of plan.segments[seg]) {
      const o = p.ops[j];
      const args = o.args.map(value);
      const e = emitOp(b, L, o.op, args);
      if (e === null) return false;
      const v = nIn + j;
      here.set(v, b.let(e));
      const at = scratchOf.get(v);
      if (at !== undefined) store(b, i, off + at, here.get(v) as Expr);
    }
    if (!last) return true;
    p.outputs.forEach((v, o) => store(b, i, off + layout.slotAt[nIn + o], value(v)));
    if (p.sums.length > 0) {
      const mask = b.let(simdOp(f32 ? S.i32x4LtS : S.i64x2LtS, get(idx), get(lenVec)));
      p.sums.forEach((v, s) => {
        const masked = b.let(simdOp(S.and, value(v), mask));
        const [lo, hi] = accs[s];
        if (f32) {
          b.set(lo, simdOp(S.f64x2Add, get(lo), simdOp(S.f64x2PromoteLowF32x4, masked)));
          b.set(hi, simdOp(S.f64x2Add, get(hi), simdOp(S.f64x2PromoteLowF32x4, swapHalves(masked))));
        } else {
          b.set(lo, simdOp(S.f64x2Add, get(lo), masked));
        }
      });
    }
    return true;
  }

  accs.forEach((pair, s) =>
    pair.forEach((l, h) => {
      b.raw(0x41, 0);
      b.push(l);
      b.simd(S.store);
      memarg(b, layout.sumAt[s] + 16 * h);
    }),
  );
  const imports = b.imports.map((name) => ({ module: "math", name, params: [F64], results: [F64] }));
  return buildModule(imports, [{ params: [I32], results: [], body: b, export: "run" }]);
}

/** v128.store of `value` at byte `at` + i. */
function store(b: Body, i: number, at: number, value: Expr): void {
  b.push(i);
  value(b);
  b.simd(S.store);
  memarg(b, at);
  b.mark();
}

/** One copy of a loop body: its code, statement ends, and the `if` offsets of patch branches. */
interface Copy {
  code: number[];
  marks: number[];
  branches: number[];
}

/**
 * Appends the statements of two copies of a loop body alternately (both have the same shape:
 * one statement list, offsets differing). A copy's statements keep their order, so where the
 * two update one accumulator, the first vector's update still comes first. Two patch branches
 * (Body.patchBranch) at the same place become one, `if (condA | condB) { patchA; patchB }`:
 * V8 computes a value where its first use is, so with a branch per copy the second copy's
 * work would wait behind the first one's branch instead of running beside it.
 */
function interleave(out: number[], a: Copy, c: Copy): void {
  const pieces = (x: Copy): { code: number[]; ifAt: number }[] => {
    const r: { code: number[]; ifAt: number }[] = [];
    let from = 0;
    for (const m of [...x.marks, x.code.length]) {
      if (m > from) {
        const br = x.branches.find((p) => p >= from && p < m);
        r.push({ code: x.code.slice(from, m), ifAt: br === undefined ? -1 : br - from });
      }
      from = m;
    }
    return r;
  };
  const pa = pieces(a), pc = pieces(c);
  const put = (bytes: number[]): void => {
    for (const x of bytes) out.push(x);
  };
  for (let k = 0; k < Math.max(pa.length, pc.length); k++) {
    const x = pa[k], y = pc[k];
    if (x !== undefined && y !== undefined && x.ifAt >= 0 && y.ifAt >= 0) {
      // cond A, cond B, i32.or, if, body A, body B, end (each piece ends with its own `end`).
      put(x.code.slice(0, x.ifAt));
      put(y.code.slice(0, y.ifAt));
      out.push(0x72, 0x04, 0x40);
      put(x.code.slice(x.ifAt + 2, -1));
      put(y.code.slice(y.ifAt + 2, -1));
      out.push(0x0b);
      continue;
    }
    if (x !== undefined) put(x.code);
    if (y !== undefined) put(y.code);
  }
}

const cache = new Map<string, FusedKernel | null>();

/** A structural key: two programs with equal keys compile to the same module. */
function programKey(p: FusedProgram): string {
  const ops = p.ops.map((o) => (o.op === "fn" ? "fn" : `${o.op}(${o.args.join(",")})`));
  return `${p.dtype}|${p.inputs.join(",")}|${ops.join(";")}|${p.outputs.join(",")}|${p.sums.join(",")}`;
}

/**
 * The WebAssembly SIMD kernel of a fused program, or null when it cannot be built here (see
 * the top of this file); compiled once per program structure.
 */
export function compileFusedWasm(p: FusedProgram): FusedKernel | null {
  if (!wasmAvailable()) return null;
  if (p.ops.some((o) => o.op === "fn")) return null;
  const key = programKey(p);
  let k = cache.get(key);
  if (k === undefined) {
    k = build(p);
    remember(cache, key, k);
  }
  return k;
}

function build(p: FusedProgram): FusedKernel | null {
  if ((p.dtype !== "float32" && p.dtype !== "float64") || !validProgram(p)) return null;
  const plan = planSegments(p);
  const layout = planLayout(p, plan.crossing.length);
  if (layout === null || !reserve(layout.bytes)) return null;
  const bytes = emitFusedModule(p, layout, plan);
  if (bytes === null) return null;
  let run: (len: number) => void;
  try {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: wasmMemory() }, math: MATH_IMPORTS });
    run = inst.exports.run as (len: number) => void;
  } catch {
    return null;
  }
  return makeRunner(p, layout, run);
}
