// The WebAssembly SIMD compiler of fused elementwise programs (src/kernels/fused/wasm*.ts):
// (1) each float32 math function over a dense sweep of float32 inputs, within 2 ulp of
// Math.fround(Math.f(x)), with the special values right; (2) random programs against a plain
// per-element evaluator written here (float64 and arithmetic-only float32 bitwise equal; with
// transcendentals, every op checked against its own operands, within 2 ulp); (3) null for what
// it does not compile; (4) the W2 program at n = 1e6 against the hand-derived gradient.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileFusedWasm, planSegments } from "../../src/kernels/fused/wasm.js";
import type { FusedInputKind, FusedOpName, FusedProgram } from "../../src/kernels/fused/program.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import { wasmMemoryBytes } from "../../src/kernels/wasm/arena.js";
import { w2Program } from "./fused-w2.js";
import { xorshift } from "../helpers/data.js";

const skip = wasmAvailable() ? false : "no WebAssembly SIMD here (or CHAINRULE_WASM=0)";

const rng = (seed: number): (() => number) => xorshift(seed);

const bits = new Int32Array(1);
const f32v = new Float32Array(bits.buffer);
/** Position of a float32 on the number line in ulps (+0 and -0 both at 0). */
function ulpIndex(x: number): number {
  f32v[0] = x;
  const i = bits[0];
  return i < 0 ? -2147483648 - i : i;
}
/** Distance in float32 ulps; NaN against NaN is 0, NaN against a number is Infinity. */
function ulpDist(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  return Math.abs(ulpIndex(a) - ulpIndex(b));
}
function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (a !== a && b !== b);
}

const MATH: Record<string, (x: number) => number> = {
  exp: Math.exp, expm1: Math.expm1, log: Math.log, log1p: Math.log1p, tanh: Math.tanh, sin: Math.sin, cos: Math.cos,
};

/** A dense float32 sweep: every 14321st bit pattern, the neighbourhoods of the range limits and thresholds, specials. */
function sweepInputs(): Float32Array {
  const xs: number[] = [];
  const u = new Uint32Array(1), f = new Float32Array(u.buffer);
  for (let b = 0; b < 2 ** 32; b += 14321) {
    u[0] = b;
    xs.push(f[0]);
  }
  const around = [0, 2 ** -149, 2 ** -126, 2 ** -24, 0.3466, 0.625, 1, -1, -0.2929, 0.4142, Math.PI / 4, Math.PI / 2, Math.PI,
    9.01, 20, 88.72283, 89, -87.33654, -103.97208, -104, 1e5, 3.4e38,
    // exp's fast-path bounds, tanh's split, log1p's reduction bounds (m in [0.75, 1.5)).
    -86.6, 88.72, 0.1733, 9.25, 0.5, -0.25, 2.0, 2 ** 127];
  for (const a of around) {
    for (const s of [1, -1]) {
      const c = Math.fround(s * a);
      u[0] = 0;
      f[0] = c;
      const base = u[0];
      for (let d = -2000; d <= 2000; d++) {
        u[0] = (base + d) >>> 0;
        xs.push(f[0]);
      }
    }
  }
  xs.push(NaN, Infinity, -Infinity, 0, -0, 3.4028234663852886e38, -3.4028234663852886e38);
  return Float32Array.from(xs);
}

function unaryKernel(op: FusedOpName) {
  const k = compileFusedWasm({ dtype: "float32", inputs: ["array"], ops: [{ op, args: [0] }], outputs: [1], sums: [] });
  assert.ok(k !== null, `${op} compiles`);
  return (xs: Float32Array): Float32Array => {
    const out = new Float32Array(xs.length);
    k(xs.length, 0, [xs], [out]);
    return out;
  };
}

test("float32 math: max error <= 2 ulp of Math.fround(Math.f(x)) over a dense sweep", { skip }, () => {
  const xs = sweepInputs();
  for (const [op, f] of Object.entries(MATH)) {
    const got = unaryKernel(op as FusedOpName)(xs);
    let worst = 0, at = 0;
    for (let i = 0; i < xs.length; i++) {
      const d = ulpDist(got[i], Math.fround(f(xs[i])));
      if (d > worst) [worst, at] = [d, xs[i]];
    }
    assert.ok(worst <= 2, `${op}: ${worst} ulp at x = ${at}`);
  }
});

/** The float32 reference: Math.f of the float32 input, rounded to float32. */
function ref(op: string, x: number): number {
  return Math.fround(MATH[op](Math.fround(x)));
}

test("float32 math: special values", { skip }, () => {
  const cases: [FusedOpName, number, number][] = [
    ["exp", NaN, NaN], ["exp", Infinity, Infinity], ["exp", -Infinity, 0], ["exp", 89, Infinity], ["exp", -104, 0],
    ["exp", -0, 1], ["exp", 0, 1], ["exp", -103, ref("exp", -103)], ["exp", 88.72283, ref("exp", 88.72283)],
    ["expm1", -0, -0], ["expm1", 0, 0], ["expm1", -Infinity, -1], ["expm1", Infinity, Infinity], ["expm1", 1e-30, 1e-30],
    ["expm1", -50, -1], ["expm1", NaN, NaN],
    ["log", 0, -Infinity], ["log", -0, -Infinity], ["log", -1, NaN], ["log", -Infinity, NaN], ["log", Infinity, Infinity],
    ["log", 1, 0], ["log", 2 ** -149, ref("log", 2 ** -149)], ["log", NaN, NaN],
    ["log1p", -1, -Infinity], ["log1p", -2, NaN], ["log1p", -0, -0], ["log1p", 0, 0], ["log1p", Infinity, Infinity],
    ["log1p", 1e-30, 1e-30], ["log1p", NaN, NaN], ["log1p", 3.4e38, ref("log1p", 3.4e38)],
    ["tanh", -0, -0], ["tanh", 0, 0], ["tanh", 10, 1], ["tanh", -10, -1], ["tanh", Infinity, 1], ["tanh", -Infinity, -1],
    ["tanh", NaN, NaN], ["tanh", 1e-30, 1e-30],
    ["sin", -0, -0], ["sin", 0, 0], ["sin", Infinity, NaN], ["sin", NaN, NaN], ["sin", 1e30, ref("sin", 1e30)],
    ["cos", 0, 1], ["cos", -Infinity, NaN], ["cos", 3e38, ref("cos", 3e38)],
  ];
  for (const [op, x, want] of cases) {
    // Alone and with ordinary neighbours in the other lanes: a special must not leak sideways.
    for (const lanes of [[x], [0.5, x, -0.25, 2, 1.5]]) {
      const got = unaryKernel(op)(Float32Array.from(lanes))[lanes.length === 1 ? 0 : 1];
      // Exact for the special values (infinities, NaN, signed zeros, +-1); 2 ulp for the others.
      const exact = !Number.isFinite(want) || want === 0 || Math.abs(want) === 1;
      assert.ok(exact ? sameValue(got, want) : ulpDist(got, want) <= 2, `${op}(${x}) = ${got}, want ${want}`);
    }
  }
});

// ---- random programs against a per-element evaluator ----

const ARITH: FusedOpName[] = ["neg", "abs", "sqrt", "square", "reciprocal", "relu", "sign", "add", "sub", "mul", "div", "max", "min", "relu_grad"];
const TRANSC: FusedOpName[] = ["exp", "log", "log1p", "expm1", "tanh", "sin", "cos"];
const BINARY = new Set<FusedOpName>(["add", "sub", "mul", "div", "max", "min", "relu_grad"]);

/** One op on float64 values, NumPy's semantics as program.ts states them. */
function evalOp(op: FusedOpName, x: number, y: number): number {
  switch (op) {
    case "neg": return -x;
    case "abs": return Math.abs(x);
    case "sqrt": return Math.sqrt(x);
    case "square": return x * x;
    case "reciprocal": return 1 / x;
    case "relu": return x > 0 || x !== x ? x : 0;
    case "sign": return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x;
    case "add": return x + y;
    case "sub": return x - y;
    case "mul": return x * y;
    case "div": return x / y;
    case "max": return x !== x || x > y ? x : y;
    case "min": return x !== x || x < y ? x : y;
    case "relu_grad": return y > 0 ? x : 0;
    default: return MATH[op](x);
  }
}

function randomProgram(rand: () => number, dtype: "float32" | "float64", ops: FusedOpName[], kinds: FusedInputKind[], nOps: number, allOut: boolean): FusedProgram {
  const p: FusedProgram = { dtype, inputs: kinds, ops: [], outputs: [], sums: [] };
  const pickVal = (): number => {
    const nv = kinds.length + p.ops.length;
    // Prefer recent values so that chains get deep.
    return rand() < 0.6 ? Math.max(0, nv - 1 - Math.floor(rand() * 3)) : Math.floor(rand() * nv);
  };
  for (let j = 0; j < nOps; j++) {
    const op = ops[Math.floor(rand() * ops.length)];
    p.ops.push({ op, args: BINARY.has(op) ? [pickVal(), pickVal()] : [pickVal()] });
  }
  const nv = kinds.length + nOps;
  for (let v = 0; v < nv; v++) {
    if (allOut ? v >= kinds.length : rand() < 0.25) p.outputs.push(v);
    if (rand() < 0.2) p.sums.push(v);
  }
  if (p.outputs.length === 0) p.outputs.push(nv - 1);
  return p;
}

/** Inputs: mostly moderate values, some specials, some tiny and huge ones. */
function randomValue(rand: () => number): number {
  const r = rand();
  if (r < 0.02) return [NaN, Infinity, -Infinity, 0, -0][Math.floor(rand() * 5)];
  if (r < 0.05) return (rand() - 0.5) * 1e-30;
  if (r < 0.08) return (rand() - 0.5) * 1e30;
  return (rand() - 0.5) * 8;
}

interface Run {
  ins: (Float32Array | Float64Array | number)[];
  outs: (Float32Array | Float64Array)[];
  sums: number[];
  m: number;
}

function runProgram(p: FusedProgram, n: number, m: number, rand: () => number): Run {
  const T = p.dtype === "float32" ? Float32Array : Float64Array;
  const ins = p.inputs.map((k) => {
    if (k === "scalar") return Math.fround(randomValue(rand));
    const len = k === "array" ? n : k === "row" ? m : n / m;
    const a = new T(len);
    for (let i = 0; i < len; i++) a[i] = randomValue(rand);
    return a;
  });
  const outs = p.outputs.map(() => new T(n).fill(12345));
  const k = compileFusedWasm(p);
  assert.ok(k !== null, "program compiles");
  const sums = k(n, m, ins, outs);
  return { ins, outs, sums, m };
}

/** Input k's value at element i. */
function inputAt(p: FusedProgram, r: Run, k: number, i: number): number {
  const v = r.ins[k];
  if (typeof v === "number") return v;
  const kind = p.inputs[k];
  return v[kind === "array" ? i : kind === "row" ? i % r.m : Math.floor(i / r.m)];
}

/** Every value of element i, evaluated op by op (float32 rounds after each op). */
function evaluate(p: FusedProgram, r: Run, i: number): number[] {
  const round = p.dtype === "float32" ? Math.fround : (x: number) => x;
  const vals = p.inputs.map((_, k) => inputAt(p, r, k, i));
  for (const o of p.ops) vals.push(round(evalOp(o.op, vals[o.args[0]], vals[o.args[1]])));
  return vals;
}

function checkSums(p: FusedProgram, r: Run, n: number, valueAt: (v: number, i: number) => number): void {
  p.sums.forEach((v, s) => {
    let sum = 0, mag = 0;
    for (let i = 0; i < n; i++) {
      const x = valueAt(v, i);
      sum += x;
      mag += Math.abs(x);
    }
    if (sum !== sum || !Number.isFinite(mag)) assert.ok(sameValue(r.sums[s], sum) || (r.sums[s] !== r.sums[s]) === (sum !== sum), `sum ${s}: ${r.sums[s]} vs ${sum}`);
    else assert.ok(Math.abs(r.sums[s] - sum) <= 1e-6 * mag + 1e-300, `sum ${s}: ${r.sums[s]} vs ${sum}`);
  });
}

// Two vectors a step: sizes around multiples of 8 check the second vector's lanes and masks.
const SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 12, 4097, 4103, 100003];
const KIND_SETS: FusedInputKind[][] = [["array"], ["array", "scalar"], ["array", "row", "scalar"], ["row", "col", "array"], ["scalar", "array", "array", "col"]];

function rowLength(n: number, rand: () => number): number {
  const divisors = [1, 2, 3, 4, 5, 7, 17, 241, 1000, 4097, 100003].filter((d) => n % d === 0 && d <= Math.max(n, 1));
  return divisors[Math.floor(rand() * divisors.length)];
}

test("random float64 programs are bitwise equal to the per-element evaluator", { skip }, () => {
  const rand = rng(11);
  for (let t = 0; t < 40; t++) {
    const n = SIZES[t % SIZES.length], m = rowLength(n, rand);
    const p = randomProgram(rand, "float64", ARITH, KIND_SETS[t % KIND_SETS.length], 4 + Math.floor(rand() * 20), false);
    const r = runProgram(p, n, m, rand);
    for (let i = 0; i < n; i++) {
      const vals = evaluate(p, r, i);
      p.outputs.forEach((v, o) => assert.ok(sameValue(r.outs[o][i], vals[v]), `program ${t}, n ${n}, element ${i}, output ${o}: ${r.outs[o][i]} vs ${vals[v]}`));
    }
    checkSums(p, r, n, (v, i) => evaluate(p, r, i)[v]);
  }
});

test("random float32 arithmetic programs are bitwise equal to the per-element evaluator", { skip }, () => {
  const rand = rng(12);
  for (let t = 0; t < 40; t++) {
    const n = SIZES[t % SIZES.length], m = rowLength(n, rand);
    const p = randomProgram(rand, "float32", ARITH, KIND_SETS[t % KIND_SETS.length], 4 + Math.floor(rand() * 20), false);
    const r = runProgram(p, n, m, rand);
    for (let i = 0; i < n; i++) {
      const vals = evaluate(p, r, i);
      p.outputs.forEach((v, o) => assert.ok(sameValue(r.outs[o][i], vals[v]), `program ${t}, n ${n}, element ${i}, output ${o}: ${r.outs[o][i]} vs ${vals[v]}`));
    }
    checkSums(p, r, n, (v, i) => evaluate(p, r, i)[v]);
  }
});

test("random float32 programs with transcendentals: each op within 2 ulp given its operands", { skip }, () => {
  // Every op's value is an output, so each op is checked on the operands the kernel really
  // had: errors of earlier ops cannot be amplified into false failures downstream.
  const rand = rng(13);
  for (let t = 0; t < 35; t++) {
    const n = SIZES[t % SIZES.length], m = rowLength(n, rand);
    const p = randomProgram(rand, "float32", [...ARITH, ...TRANSC, ...TRANSC], KIND_SETS[t % KIND_SETS.length], 4 + Math.floor(rand() * 16), true);
    const r = runProgram(p, n, m, rand);
    const nIn = p.inputs.length;
    const valueAt = (v: number, i: number): number => (v < nIn ? inputAt(p, r, v, i) : r.outs[v - nIn][i]);
    for (let i = 0; i < n; i++) {
      p.ops.forEach((o, j) => {
        const want = Math.fround(evalOp(o.op, valueAt(o.args[0], i), valueAt(o.args[1] ?? 0, i)));
        const got = r.outs[j][i];
        const tol = TRANSC.includes(o.op) ? 2 : 0;
        assert.ok(tol === 0 ? sameValue(got, want) : ulpDist(got, want) <= tol, `program ${t}, n ${n}, element ${i}, op ${j} ${o.op}(${o.args.map((a) => valueAt(a, i))}): ${got} vs ${want}`);
      });
    }
    checkSums(p, r, n, valueAt);
  }
});

test("many arrays shrink the chunk; rows longer than a chunk; outputs may alias inputs", { skip }, () => {
  const rand = rng(14);
  const kinds: FusedInputKind[] = Array.from({ length: 30 }, (_, k) => (k % 3 === 2 ? "row" : "array"));
  const p = randomProgram(rand, "float32", ARITH, kinds, 40, true);
  const n = 100003;
  const r = runProgram(p, n, n, rand);
  for (let i = 0; i < n; i += 7) {
    const vals = evaluate(p, r, i);
    p.outputs.forEach((v, o) => assert.ok(sameValue(r.outs[o][i], vals[v])));
  }
  // In place: y = x * x + x written over x.
  const q: FusedProgram = { dtype: "float32", inputs: ["array"], ops: [{ op: "mul", args: [0, 0] }, { op: "add", args: [1, 0] }], outputs: [2], sums: [] };
  const k = compileFusedWasm(q)!;
  const x = Float32Array.from({ length: 10000 }, (_, i) => i / 100);
  k(x.length, 0, [x], [x]);
  for (let i = 0; i < x.length; i++) {
    const a = Math.fround(i / 100);
    assert.equal(x[i], Math.fround(Math.fround(a * a) + a));
  }
});

test("null when the program is not for this compiler; null when Wasm is off", { skip }, () => {
  const fnProg: FusedProgram = { dtype: "float32", inputs: ["array"], ops: [{ op: "fn", args: [0], fn: (x) => x + 1 }], outputs: [1], sums: [] };
  assert.equal(compileFusedWasm(fnProg), null);
  for (const op of TRANSC) {
    assert.equal(compileFusedWasm({ dtype: "float64", inputs: ["array"], ops: [{ op, args: [0] }], outputs: [1], sums: [] }), null, op);
  }
  assert.equal(compileFusedWasm({ dtype: "float32", inputs: ["array"], ops: [{ op: "add", args: [0, 5] }], outputs: [1], sums: [] }), null, "bad value id");
  const ok: FusedProgram = { dtype: "float64", inputs: ["array", "scalar"], ops: [{ op: "max", args: [0, 1] }], outputs: [2], sums: [2] };
  assert.ok(compileFusedWasm(ok) !== null);
  assert.equal(compileFusedWasm(ok), compileFusedWasm(ok), "compiled once per structure");
  setWasmEnabled(false);
  try {
    assert.equal(compileFusedWasm(ok), null);
  } finally {
    setWasmEnabled(true);
  }
});

test("loop fission: one loop per transcendental; cheap arithmetic is recomputed, not passed", () => {
  // W2: tanh (value 4) in loop 0; x*x (5), -x*x (6) and exp (7) in loop 1; x*x again, log1p and
  // the rest in loop 2. Only the transcendental results t and e cross loops.
  const plan = planSegments(w2Program());
  assert.deepEqual(plan.crossing, [4, 7]);
  assert.deepEqual(plan.segments.slice(0, 2), [[0], [1, 2, 3]]);
  assert.deepEqual(plan.segments[2], [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  // A division feeding two later loops costs more than a store and a load: it goes through scratch.
  const p: FusedProgram = {
    dtype: "float32",
    inputs: ["array"],
    ops: [{ op: "div", args: [0, 0] }, { op: "add", args: [1, 0] }, { op: "exp", args: [2] }, { op: "log", args: [2] }, { op: "mul", args: [3, 4] }],
    outputs: [5],
    sums: [],
  };
  const q = planSegments(p);
  assert.deepEqual(q.segments, [[0, 1, 2], [3, 4]]);
  assert.deepEqual(q.crossing, [2, 3]);
});

test("the Wasm memory stays flat over many calls", { skip }, () => {
  const k = compileFusedWasm(w2Program())!;
  const x = Float32Array.from({ length: 37 }, (_, i) => i / 10 - 2), g = new Float32Array(37);
  k(x.length, 0, [x, 1, 1, 2], [g]);
  const bytes = wasmMemoryBytes();
  for (let t = 0; t < 100000; t++) k(x.length, 0, [x, 1, 1, 2], [g]);
  assert.equal(wasmMemoryBytes(), bytes);
});

test("W2: value and gradient of sum(tanh(x) exp(-x^2) + log1p(x^2)) at n = 1e6", { skip }, () => {
  const n = 1e6;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = -2 + 4 * ((Math.imul(i + 7919 * 2, 2654435761) >>> 0) / 2 ** 32);
  const grad = new Float32Array(n);
  const [value] = compileFusedWasm(w2Program())!(n, 0, [x, 1, 1, 2], [grad]);
  // Hand-derived: d/dx = (1 - tanh^2) e^(-x^2) - 2x tanh(x) e^(-x^2) + 2x / (1 + x^2), in float64.
  let want = 0, mag = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i], t = Math.tanh(v), e = Math.exp(-v * v);
    const y = t * e + Math.log1p(v * v);
    want += y;
    mag += Math.abs(y);
    const d = (1 - t * t) * e - 2 * v * t * e + (2 * v) / (1 + v * v);
    assert.ok(Math.abs(grad[i] - d) <= 2e-6 * (1 + Math.abs(d)), `x = ${v}: ${grad[i]} vs ${d}`);
  }
  // float32 rounding of each element's value, summed over 1e6 elements, stays far below 1e-6 relative.
  assert.ok(Math.abs(value - want) <= 1e-6 * mag, `${value} vs ${want}`);
});
