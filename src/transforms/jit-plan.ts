// What `jit` does with a recorded graph: drops what the outputs do not need, groups chains of
// elementwise primitives of one shape (and full sums of them) into fused kernels, and replays
// the rest primitive by primitive. Fused kernels write only the values read outside their
// group, into buffers the plan owns and reuses from call to call when the value provably never
// reaches the caller (not an output, nor viewed by one); so do the primitives whose kernel can
// write into a given buffer (`implInto`: the matrix products, for one).
import { Tensor, viewOf } from "../tensor/tensor.js";
import { DType, TypedArray } from "../tensor/dtype.js";
import { shapesEqual } from "../tensor/shape.js";
import { Arg, Primitive } from "../core/primitive.js";
import { Equation, GraphArg } from "../core/graph.js";
import { FusedInputKind, FusedKernel, FusedOpName, FusedProgram } from "../kernels/fused/program.js";
import { compileFused } from "../kernels/fused/compile.js";
import { ScalarKernel, ScalarSource, compileScalarJs } from "../kernels/fused/js.js";
import { flatData, makeRunner } from "./jit-run.js";

/** Primitive names with a named fused op (others with a scalar function become `fn` ops). */
const NAMED: Record<string, FusedOpName> = {
  negative: "neg", abs: "abs", fabs: "abs", exp: "exp", log: "log", log1p: "log1p", expm1: "expm1",
  tanh: "tanh", sin: "sin", cos: "cos", sqrt: "sqrt", square: "square", reciprocal: "reciprocal",
  sign: "sign", add: "add", subtract: "sub", multiply: "mul", divide: "div", maximum: "max",
  minimum: "min", relu: "relu", relu_grad: "relu_grad",
};

export type Source = { id: number } | { constant: Tensor } | number;

export interface GroupInput {
  src: Source;
  kind: FusedInputKind;
  /** Set when the source must be broadcast to the group's shape and copied first. */
  expand: boolean;
}

export interface Group {
  shape: number[];
  n: number;
  dtype: "float32" | "float64";
  /** Row length of its row/col inputs (1 when none). */
  m: number;
  inputs: GroupInput[];
  inputIndex: Map<string, number>;
  ops: FusedProgram["ops"];
  /** op|operands -> local value, for common subexpressions. */
  cse: Map<string, number>;
  /** Graph value id -> fused value id, for members. */
  local: Map<number, number>;
  /** Graph ids of member values read outside the group. */
  exports: Set<number>;
  sums: { id: number; of: number }[];
  sealed: boolean;
  kernel: FusedKernel | null;
  outIds: number[];
  /** Per exported value: a reusable buffer (null: allocate each call, the caller may keep it). */
  buffers: (TypedArray | null)[];
  reuse: boolean[];
  /** Per input: where a strided (or broadcast) input is copied contiguous, kept between calls. */
  scratch: (TypedArray | null)[];
  /** 0-d groups: straight-line code over the plan's value slots (see compileScalarJs). */
  scalarKernel: ScalarKernel | null;
  /** 0-d groups: inputs held as tensors (copied into their slots first), outputs needed as tensors. */
  tensorIns: number[];
  tensorOuts: number[];
}

export interface EqnStep {
  eqn: Equation;
  /** The primitive's `implInto` when the result gets a buffer the plan owns and reuses. */
  write: NonNullable<Primitive<unknown>["implInto"]> | null;
  /** Elements of the result, and its buffer once made. */
  n: number;
  buffer: TypedArray | null;
}

export type Step = EqnStep | { group: Group };

const eqnStep = (eqn: Equation): EqnStep => ({ eqn, write: null, n: eqn.shape.reduce((x, y) => x * y, 1), buffer: null });

/** What the plan knows of a value: its shape and dtype as traced. */
type ValueInfo = { readonly shape: readonly number[]; readonly dtype: DType; readonly weak: boolean };

export interface Plan {
  run(inputs: Tensor[]): Arg[];
}

/** Ops per fused 0-d kernel (the generated function stays well under V8's size limit for optimizing). */
const MAX_SCALAR_OPS = 256;

/** Elementwise, float, every tensor operand of the output's dtype or a weak scalar. */
function fusable(eq: Equation, values: ValueInfo[]): boolean {
  const fn = eq.prim.scalarFn;
  if (fn === undefined || (eq.dtype !== "float32" && eq.dtype !== "float64")) return false;
  for (const a of eq.args) {
    if (typeof a === "number") continue;
    const v: ValueInfo = "id" in a ? values[a.id] : a.constant;
    if (v.dtype !== eq.dtype && !(v.shape.length === 0 && v.weak)) return false;
  }
  return true;
}

function isFullSum(eq: Equation, values: ValueInfo[]): boolean {
  if (eq.prim.name !== "sum" || eq.shape.length !== 0) return false;
  const a = eq.args[0];
  return typeof a !== "number" && "id" in a && values[a.id].dtype === eq.dtype && values[a.id].shape.length > 0;
}

/** How a value of `shape` is read inside a group of shape `s` (null: broadcast it to s and copy). */
function inputKind(shape: readonly number[], s: readonly number[]): { kind: FusedInputKind; m: number } | null {
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 1) return { kind: "scalar", m: 1 };
  if (shapesEqual(shape, s)) return { kind: "array", m: 1 };
  if (shape.length > s.length) return null;
  const a = new Array(s.length - shape.length).fill(1).concat(shape);
  // row: ones then s's trailing dims; col: s's leading dims then ones.
  let k = 0;
  while (k < a.length && a[k] === 1) k++;
  let row = true;
  for (let d = k; d < a.length; d++) if (a[d] !== s[d]) row = false;
  if (row) return { kind: "row", m: size };
  let c = 0;
  while (c < a.length && a[c] === s[c]) c++;
  for (let d = c; d < a.length; d++) if (a[d] !== 1) return null;
  return { kind: "col", m: a.length === 0 ? 1 : s.slice(c).reduce((x, y) => x * y, 1) };
}

export function buildPlan(
  equations: readonly Equation[],
  values: { shape: number[]; dtype: DType; weak: boolean }[],
  nInputs: number,
  outputs: readonly GraphArg[],
): Plan {
  // Liveness: only what the outputs need.
  const needed = new Uint8Array(values.length);
  for (const o of outputs) if (typeof o !== "number" && "id" in o) needed[o.id] = 1;
  const live: Equation[] = [];
  for (let e = equations.length - 1; e >= 0; e--) {
    const eq = equations[e];
    if (!needed[eq.out]) continue;
    live.push(eq);
    for (const a of eq.args) if (typeof a !== "number" && "id" in a) needed[a.id] = 1;
  }
  live.reverse();

  const groupOf = new Map<number, Group>();
  const deferred = new Map<number, Equation>(); // broadcast_to views, scheduled only when read outside a group
  const scheduledDeferred = new Set<number>();
  const steps: Step[] = [];
  const open = new Map<string, Group>();

  const seal = (g: Group): void => {
    if (g.sealed) return;
    g.sealed = true;
    open.delete(g.shape.join(","));
    steps.push({ group: g });
  };
  // A value read by anything but its own group: its group must run first and write it out.
  const readOutside = (id: number, reader: Group | null): void => {
    const g = groupOf.get(id);
    if (g !== undefined && g !== reader) {
      if (g.local.has(id)) g.exports.add(id);
      seal(g);
      return;
    }
    const d = deferred.get(id);
    if (d !== undefined && !scheduledDeferred.has(id)) {
      scheduledDeferred.add(id);
      for (const a of d.args) if (typeof a !== "number" && "id" in a) readOutside(a.id, null);
      steps.push(eqnStep(d));
    }
  };

  const addInput = (g: Group, src: Source, shape: readonly number[]): number => {
    const k = typeof src === "number" ? `n${src}` : "id" in src ? `v${src.id}` : `c${constIds.get(src.constant) ?? registerConst(src.constant)}`;
    const had = g.inputIndex.get(k);
    if (had !== undefined) return had;
    let kind = inputKind(shape, g.shape);
    if (kind !== null && (kind.kind === "row" || kind.kind === "col")) {
      if (g.m === 1 && !g.inputs.some((i) => i.kind === "row" || i.kind === "col")) g.m = kind.m;
      else if (kind.m !== g.m) kind = null;
    }
    const idx = g.inputs.length;
    g.inputs.push(kind === null ? { src, kind: "array", expand: true } : { src, kind: kind.kind, expand: false });
    g.inputIndex.set(k, idx);
    return idx;
  };
  // A constant broadcast along some axes (stride 0, like a cotangent seed) is read through its
  // compact view, as a scalar, row or column, instead of being copied out in full each call.
  const compact = new Map<Tensor, Tensor>();
  const addConstant = (g: Group, t: Tensor): number => {
    if (!t.strides.some((st) => st === 0)) return addInput(g, { constant: t }, t.shape);
    let c = compact.get(t);
    if (c === undefined) {
      c = viewOf(t, t.shape.map((d, i) => (t.strides[i] === 0 ? 1 : d)), t.strides.slice(), t.offset);
      compact.set(t, c);
    }
    return addInput(g, { constant: c }, c.shape);
  };
  const constIds = new Map<Tensor, number>();
  const registerConst = (t: Tensor): number => {
    constIds.set(t, constIds.size);
    return constIds.size - 1;
  };

  const readsOwnSum = (g: Group, eq: Equation): boolean =>
    eq.args.some((a) => {
      if (typeof a === "number" || !("id" in a)) return false;
      let id = a.id;
      const d = deferred.get(id);
      if (d !== undefined && !scheduledDeferred.has(id) && typeof d.args[0] !== "number" && "id" in d.args[0]) id = d.args[0].id;
      return groupOf.get(id) === g && !g.local.has(id);
    });

  for (const eq of live) {
    if (eq.prim.name === "broadcast_to" && typeof eq.args[0] !== "number") {
      deferred.set(eq.out, eq);
      continue;
    }
    if (fusable(eq, values)) {
      const key = eq.shape.join(",");
      let g = open.get(key);
      // An op reading a sum its own group computes must run after that group: start another.
      if (g !== undefined && readsOwnSum(g, eq)) {
        seal(g);
        g = undefined;
      }
      if (g === undefined) {
        g = {
          shape: eq.shape, n: eq.shape.reduce((x, y) => x * y, 1), dtype: eq.dtype as "float32" | "float64", m: 1,
          inputs: [], inputIndex: new Map(), ops: [], cse: new Map(), local: new Map(), exports: new Set(), sums: [], sealed: false,
          kernel: null, outIds: [], buffers: [], reuse: [], scratch: [], scalarKernel: null, tensorIns: [], tensorOuts: [],
        };
        open.set(key, g);
      }
      const group = g;
      const argIds = eq.args.map((a): number => {
        if (typeof a === "number") return addInput(group, a, []);
        if ("constant" in a) return addConstant(group, a.constant);
        const local = group.local.get(a.id);
        if (local !== undefined) return local;
        const d = deferred.get(a.id);
        if (d !== undefined && !scheduledDeferred.has(a.id)) {
          // Read the broadcast's source directly, broadcast by the input kind.
          const s = d.args[0] as { id: number } | { constant: Tensor };
          if ("id" in s) {
            // A member of this group has the group's shape: the broadcast is the identity.
            const local2 = group.local.get(s.id);
            if (local2 !== undefined) return local2;
            readOutside(s.id, group);
            return addInput(group, s, values[s.id].shape);
          }
          return addConstant(group, s.constant);
        }
        readOutside(a.id, group);
        return addInput(group, a, values[a.id].shape);
      });
      const fn = eq.prim.scalarFn;
      // The same op on the same operands (x * x computed twice, say) is computed once.
      const cse = `${eq.prim.name}|${argIds.join(",")}`;
      const seen = group.cse.get(cse);
      if (seen !== undefined) {
        group.local.set(eq.out, seen);
        groupOf.set(eq.out, group);
        continue;
      }
      group.ops.push({ op: NAMED[eq.prim.name] ?? "fn", args: argIds, fn });
      group.local.set(eq.out, -1 - (group.ops.length - 1)); // op index, encoded negative
      group.cse.set(cse, -1 - (group.ops.length - 1));
      groupOf.set(eq.out, group);
      // A scalar (0-d) chain can run to thousands of ops (W1's graph is one): cut it into
      // kernels small enough for V8 to optimize, the next one reading this one's outputs.
      if (group.n === 1 && group.shape.length === 0 && group.ops.length >= MAX_SCALAR_OPS) seal(group);
      continue;
    }
    if (isFullSum(eq, values)) {
      const src = (eq.args[0] as { id: number }).id;
      const g = groupOf.get(src);
      if (g !== undefined && !g.sealed && g.local.has(src)) {
        g.sums.push({ id: eq.out, of: src });
        groupOf.set(eq.out, g);
        continue;
      }
    }
    for (const a of eq.args) if (typeof a !== "number" && "id" in a) readOutside(a.id, null);
    steps.push(eqnStep(eq));
  }
  for (const o of outputs) if (typeof o !== "number" && "id" in o) readOutside(o.id, null);
  for (const g of [...open.values()]) seal(g);

  // Values that can reach the caller: outputs, and anything a view of them was taken from.
  const escapes = new Uint8Array(values.length);
  for (const o of outputs) if (typeof o !== "number" && "id" in o) escapes[o.id] = 1;
  for (let e = live.length - 1; e >= 0; e--) {
    const eq = live[e];
    if (!escapes[eq.out]) continue;
    for (const i of eq.aliases) {
      const a = eq.args[i];
      if (typeof a !== "number" && "id" in a) escapes[a.id] = 1;
    }
  }
  // 0-d groups pass values to each other through the plan's slots; a value becomes a tensor only
  // where something else reads it.
  const asTensor = new Uint8Array(values.length);
  for (const o of outputs) if (typeof o !== "number" && "id" in o) asTensor[o.id] = 1;
  const inSlots = new Uint8Array(values.length);
  for (const s of steps) {
    if ("eqn" in s) for (const a of s.eqn.args) if (typeof a !== "number" && "id" in a) asTensor[a.id] = 1;
    if ("group" in s && s.group.shape.length > 0) for (const i of s.group.inputs) if (typeof i.src !== "number" && "id" in i.src) asTensor[i.src.id] = 1;
    if ("group" in s && s.group.shape.length === 0) for (const id of s.group.exports) inSlots[id] = 1;
  }
  for (const s of steps) {
    if ("group" in s) finishGroup(s.group, escapes, asTensor, inSlots);
    else if (!escapes[s.eqn.out]) s.write = s.eqn.prim.implInto ?? null;
  }
  return makeRunner(steps, values, nInputs, outputs);
}

/** Renumbers a group's values (inputs first, then ops) and compiles its kernel. */
function finishGroup(g: Group, escapes: Uint8Array, asTensor: Uint8Array, inSlots: Uint8Array): void {
  const nIn = g.inputs.length;
  const fix = (v: number): number => (v < 0 ? nIn + (-1 - v) : v);
  for (const op of g.ops) op.args = op.args.map(fix);
  g.outIds = [...g.exports];
  const program: FusedProgram = {
    dtype: g.dtype,
    inputs: g.inputs.map((i) => i.kind),
    ops: g.ops,
    outputs: g.outIds.map((id) => fix(g.local.get(id) as number)),
    sums: g.sums.map((s) => fix(g.local.get(s.of) as number)),
  };
  if (g.shape.length === 0) {
    // 0-d: straight-line JS over the plan's value slots (a Wasm call's staging would cost more
    // than the arithmetic). Numbers and constants are compiled in as literals.
    const srcs = g.inputs.map((i): ScalarSource => {
      const src = i.src;
      if (typeof src === "number") return { value: src };
      if ("constant" in src) return { value: src.constant.shape.length === 0 ? src.constant.scalar : flatData(src.constant)[0] };
      if (!inSlots[src.id]) g.tensorIns.push(src.id);
      return { slot: src.id };
    });
    g.scalarKernel = compileScalarJs(program, srcs, g.outIds);
    g.tensorOuts = g.outIds.filter((id) => asTensor[id]);
    return;
  }
  g.kernel = compileFused(program);
  g.reuse = g.outIds.map((id) => !escapes[id]);
  g.buffers = g.outIds.map(() => null);
  g.scratch = g.inputs.map(() => null);
}
