// A small WebAssembly binary writer: just what the fused-kernel compiler (wasm.ts) needs to
// build a module in memory and hand it to `new WebAssembly.Module` (no text format, no
// toolchain at run time, so it works in browsers). Code is written as expression trees
// (`Expr`, a function that appends the bytes of one value to the function body) so that the
// math in wasm-math.ts reads like formulas instead of stack-machine listings.

/** Value types. */
export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;

/** Appends unsigned LEB128. */
export function uleb(out: number[], v: number): void {
  do {
    let b = v & 0x7f;
    v = Math.floor(v / 128);
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
}

/** The body of one function under construction: its bytes and its locals past the params. */
export class Body {
  readonly code: number[] = [];
  readonly locals: number[] = [];
  /** Code run once on entry: it loads the v128 constants into locals (see `vconst`). */
  private readonly prologue: number[] = [];
  private readonly consts = new Map<string, number>();
  /** Names of the imported (f64) -> f64 functions the body calls; function index = position. */
  readonly imports: string[] = [];
  /**
   * Where the float32 sign and magnitude masks (bits 0x80000000 and 0x7fffffff per lane) can be
   * loaded from memory, when the caller keeps them there (fused/wasm.ts does). V8 builds these
   * two constants with pcmpeqd + a shift at every use inside a loop, two vector ALU uops, where a
   * load uses a load port, which these kernels leave idle; null: f32x4.neg/abs and constants.
   */
  f32Masks: { sign: Expr; abs: Expr } | null = null;
  /**
   * Statement ends (code offsets where the value stack is empty and no block is open), recorded
   * while non-null: the fused compiler interleaves two copies of a loop body statement by
   * statement. Code inside a block (if ... end) must be wrapped in `quietly`.
   */
  marks: number[] | null = null;
  /**
   * While `marks` is recorded: the code offsets of `if` opcodes that open a lane-patching branch
   * (`i32 condition; if ... end` as one statement, see `patchBranch`), which `interleave` may
   * merge with the other copy's into one branch.
   */
  branchMarks: number[] = [];
  private quiet = 0;
  constructor(readonly nParams: number) {}

  /** Records a statement end (see `marks`). */
  mark(): void {
    if (this.marks !== null && this.quiet === 0) this.marks.push(this.code.length);
  }

  /**
   * One statement: `cond` (pushes an i32), then `if` `body` `end`, where the body only patches
   * lanes, so that running it when `cond` is false gives the same values: two such statements
   * from interleaved copies may then be merged into one branch on either condition.
   */
  patchBranch(cond: () => void, body: () => void): void {
    this.quietly(() => {
      cond();
      if (this.marks !== null) this.branchMarks.push(this.code.length);
      this.raw(0x04, 0x40); // if
      body();
      this.raw(0x0b);
    });
  }

  /** Emits `body` (a whole block) as one statement. */
  quietly(body: () => void): void {
    this.quiet++;
    body();
    this.quiet--;
    this.mark();
  }

  /** The function index of import `name` (module "math"), registering it on first use. */
  importIndex(name: string): number {
    let i = this.imports.indexOf(name);
    if (i < 0) i = this.imports.push(name) - 1;
    return i;
  }

  /**
   * A v128 constant, read from a local set once on entry. V8 builds an arbitrary v128.const
   * from two 64-bit immediates (four instructions) at every use; a local costs at most one
   * load from the stack, so hoisting the constants out of the loop is a clear win.
   */
  vconst(bytes: Uint8Array): Expr {
    const key = bytes.join(",");
    let l = this.consts.get(key);
    if (l === undefined) {
      l = this.local(V128);
      this.consts.set(key, l);
      this.prologue.push(0xfd);
      uleb(this.prologue, 0x0c);
      this.prologue.push(...bytes, 0x21);
      uleb(this.prologue, l);
    }
    return get(l);
  }

  /** A fresh local of type `t`; returns its index. */
  local(t: number): number {
    this.locals.push(t);
    return this.nParams + this.locals.length - 1;
  }

  /** Emits an expression and stores it in a fresh v128 local: the value can then be reused. */
  let(e: Expr): Expr {
    const l = this.local(V128);
    e(this);
    this.code.push(0x21);
    uleb(this.code, l);
    this.mark();
    return get(l);
  }

  /** Emits an expression and stores it in an existing local. */
  set(l: number, e: Expr): void {
    e(this);
    this.code.push(0x21);
    uleb(this.code, l);
    this.mark();
  }

  /** `local.get l` as a statement (pushes the value). */
  push(l: number): void {
    this.code.push(0x20);
    uleb(this.code, l);
  }

  /** `local.set l`: pops the value on the stack into l. */
  pop(l: number): void {
    this.code.push(0x21);
    uleb(this.code, l);
    this.mark();
  }

  /** Plain opcode bytes. */
  raw(...b: number[]): void {
    for (const x of b) this.code.push(x);
  }

  /** A SIMD instruction: the 0xFD prefix, then the sub-opcode as LEB128. */
  simd(op: number): void {
    this.code.push(0xfd);
    uleb(this.code, op);
  }

  /** The function's code-section entry: local declarations, body, `end`. */
  encode(): number[] {
    const out: number[] = [];
    const groups: [number, number][] = [];
    for (const t of this.locals) {
      const g = groups[groups.length - 1];
      if (g !== undefined && g[1] === t) g[0]++;
      else groups.push([1, t]);
    }
    uleb(out, groups.length);
    for (const [count, t] of groups) {
      uleb(out, count);
      out.push(t);
    }
    // Loops, not push(...spread): a big program's body would overflow the argument stack.
    for (const x of this.prologue) out.push(x);
    for (const x of this.code) out.push(x);
    out.push(0x0b);
    const sized: number[] = [];
    uleb(sized, out.length);
    return sized.concat(out);
  }
}

/** Code that leaves one value on the stack. */
export type Expr = (b: Body) => void;

export function get(l: number): Expr {
  return (b) => {
    b.code.push(0x20);
    uleb(b.code, l);
  };
}

function v128const(bytes: Uint8Array): Expr {
  return (b) => b.vconst(bytes)(b);
}

/** A v128 constant with the given int32 lanes (two int64 lanes: low word, high word). */
export function i32x4v(lanes: [number, number, number, number]): Expr {
  return v128const(new Uint8Array(new Int32Array(lanes).buffer));
}

/** A v128 constant of four equal float32 lanes. */
export function f32x4c(v: number): Expr {
  const bytes = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
  return v128const(bytes);
}

/** A v128 constant of two equal float64 lanes. */
export function f64x2c(v: number): Expr {
  const bytes = new Uint8Array(new Float64Array([v, v]).buffer);
  return v128const(bytes);
}

/** A v128 constant of four equal int32 lanes. */
export function i32x4c(v: number): Expr {
  const bytes = new Uint8Array(new Int32Array([v, v, v, v]).buffer);
  return v128const(bytes);
}

/** An instruction with operands: emits the operands in order, then the SIMD opcode. */
export function simdOp(op: number, ...args: Expr[]): Expr {
  return (b) => {
    for (const a of args) a(b);
    b.simd(op);
  };
}

/** SIMD sub-opcodes used by the compiler (the 0xFD-prefixed space of the SIMD proposal). */
export const S = {
  load: 0x00, load32Splat: 0x09, load64Splat: 0x0a, store: 0x0b, shuffle: 0x0d,
  i32x4Splat: 0x11, i64x2Splat: 0x12, f32x4ExtractLane: 0x1f, f32x4ReplaceLane: 0x20,
  f32x4Eq: 0x41, f32x4Ne: 0x42, f32x4Lt: 0x43, f32x4Gt: 0x44, f32x4Le: 0x45, f32x4Ge: 0x46,
  f64x2Eq: 0x47, f64x2Ne: 0x48, f64x2Lt: 0x49, f64x2Gt: 0x4a, f64x2Le: 0x4b,
  not: 0x4d, and: 0x4e, andnot: 0x4f, or: 0x50, xor: 0x51, bitselect: 0x52, anyTrue: 0x53,
  f32x4DemoteF64x2Zero: 0x5e, f64x2PromoteLowF32x4: 0x5f,
  i32x4LtS: 0x39, i32x4GtS: 0x3b,
  i32x4Bitmask: 0xa4, i32x4Shl: 0xab, i32x4ShrS: 0xac, i32x4Add: 0xae, i32x4Sub: 0xb1, i32x4MinS: 0xb6,
  i64x2Shl: 0xcb, i64x2Add: 0xce, i64x2Sub: 0xd1, i64x2Eq: 0xd6, i64x2LtS: 0xd8,
  f32x4Abs: 0xe0, f32x4Neg: 0xe1, f32x4Sqrt: 0xe3, f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6,
  f32x4Div: 0xe7, f32x4Pmin: 0xea, f32x4Pmax: 0xeb,
  f64x2Abs: 0xec, f64x2Neg: 0xed, f64x2Sqrt: 0xef, f64x2Add: 0xf0, f64x2Sub: 0xf1, f64x2Mul: 0xf2,
  f64x2Div: 0xf3, f32x4ConvertI32x4S: 0xfa,
} as const;

/** A memory argument: log2 of the alignment hint (4 for a v128), constant byte offset. */
export function memarg(b: Body, offset: number, alignLog2 = 4): void {
  b.code.push(alignLog2);
  uleb(b.code, offset);
}

/** The low 8 bytes of `lo`, then the low 8 bytes of `hi`. */
export function lowHalves(lo: Expr, hi: Expr): Expr {
  return (b) => {
    lo(b);
    hi(b);
    b.simd(S.shuffle);
    b.raw(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  };
}

/** i8x16.shuffle of one vector with itself, swapping its 8-byte halves. */
export function swapHalves(x: Expr): Expr {
  return (b) => {
    x(b);
    x(b);
    b.simd(S.shuffle);
    b.raw(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  };
}

export interface FuncSpec {
  params: number[];
  results: number[];
  body: Body;
  export?: string;
}

export interface ImportFunc {
  module: string;
  name: string;
  params: number[];
  results: number[];
}

function section(out: number[], id: number, payload: number[]): void {
  out.push(id);
  uleb(out, payload.length);
  for (const x of payload) out.push(x);
}

function str(out: number[], s: string): void {
  uleb(out, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * A module importing `env.memory` (one memory shared by every kernel) and the given functions,
 * defining `funcs` (function index = imports.length + position).
 */
export function buildModule(imports: ImportFunc[], funcs: FuncSpec[]): Uint8Array<ArrayBuffer> {
  const sigs: string[] = [];
  const sigOf = (params: number[], results: number[]): number => {
    const key = params.join(",") + ">" + results.join(",");
    let i = sigs.indexOf(key);
    if (i < 0) i = sigs.push(key) - 1;
    return i;
  };
  const importSigs = imports.map((f) => sigOf(f.params, f.results));
  const funcSigs = funcs.map((f) => sigOf(f.params, f.results));

  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(types, sigs.length);
  for (const key of sigs) {
    const [p, r] = key.split(">").map((s) => (s === "" ? [] : s.split(",").map(Number)));
    types.push(0x60);
    uleb(types, p.length);
    types.push(...p);
    uleb(types, r.length);
    types.push(...r);
  }
  section(out, 1, types);

  const imp: number[] = [];
  uleb(imp, imports.length + 1);
  str(imp, "env");
  str(imp, "memory");
  imp.push(0x02, 0x00, 0x01); // memory, limits: min 1 page, no max
  imports.forEach((f, i) => {
    str(imp, f.module);
    str(imp, f.name);
    imp.push(0x00);
    uleb(imp, importSigs[i]);
  });
  section(out, 2, imp);

  const fn: number[] = [];
  uleb(fn, funcs.length);
  for (const s of funcSigs) uleb(fn, s);
  section(out, 3, fn);

  const exp: number[] = [];
  const exported = funcs.map((f, i) => [f.export, i] as const).filter(([name]) => name !== undefined);
  uleb(exp, exported.length);
  for (const [name, i] of exported) {
    str(exp, name as string);
    exp.push(0x00);
    uleb(exp, imports.length + i);
  }
  section(out, 7, exp);

  const code: number[] = [];
  uleb(code, funcs.length);
  for (const f of funcs) for (const x of f.body.encode()) code.push(x);
  section(out, 10, code);
  return new Uint8Array(out);
}
