// Eager arithmetic on large float arrays runs through WebAssembly SIMD (src/ops/elementwise-wasm.ts).
// Every op, dtype and operand layout it takes is checked bitwise against a definition written
// here (the op in float64, then Math.fround for float32: the correctly rounded result) over
// arrays full of special values, and against the JS loops (Wasm switched off); a counter
// confirms which path ran. Layouts it declines (strided, mixed dtypes, small) must still agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, Tensor } from "../../src/index.js";
import { reluGrad as reluGradOp } from "../../src/ops/relu.js";
import { registry } from "../../src/core/primitive.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import { elementwiseWasmCalls, vjpWasmCalls } from "../../src/ops/elementwise-wasm.js";

const wasm = wasmAvailable();
const N = 5000; // over the 4096-element threshold, not a multiple of the vector width

const SPECIAL = [0, -0, 1, -1, 0.1, -2.5, 3e38, -3e38, 1e-40, -1e-45, 1e300, -1e-310, Infinity, -Infinity, NaN, 0.5, 2, 7];

/** N values: the specials, then a spread of magnitudes and signs. */
function values(seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < N; i++) {
    if (i < SPECIAL.length * 3) out.push(SPECIAL[(i + seed) % SPECIAL.length]);
    else {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      out.push(((s / 2 ** 32) * 2 - 1) * 10 ** ((s % 13) - 6));
    }
  }
  return out;
}

const UNARY: Record<string, (x: number) => number> = {
  negative: (x) => -x,
  abs: (x) => Math.abs(x),
  square: (x) => x * x,
  sqrt: (x) => Math.sqrt(x),
  reciprocal: (x) => 1 / x,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0), // relu(-0) = +0, relu(NaN) = NaN
};
// maximum/minimum: NaN propagates; of two equal values (+0 and -0) the second is kept.
const BINARY: Record<string, (x: number, y: number) => number> = {
  add: (x, y) => x + y,
  subtract: (x, y) => x - y,
  multiply: (x, y) => x * y,
  divide: (x, y) => x / y,
  maximum: (x, y) => (Number.isNaN(x) || x > y ? x : y),
  minimum: (x, y) => (Number.isNaN(x) || x < y ? x : y),
};
// relu_grad(g, x): g where x > 0, else +0 (same-shape operands only).
const reluGrad = (g: number, x: number): number => (x > 0 ? g : 0);
const fns: Record<string, (...a: unknown[]) => Tensor> = { ...(np as unknown as Record<string, (...a: unknown[]) => Tensor>), relu: nn.functional.relu as (...a: unknown[]) => Tensor };

function assertBits(got: Tensor, want: ArrayLike<number>, what: string): void {
  const g = got.toTypedArray();
  assert.equal(g.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) if (!Object.is(g[i], want[i])) assert.fail(`${what}[${i}]: ${g[i]} !== ${want[i]}`);
}

for (const dtype of ["float32", "float64"] as const) {
  const R = dtype === "float32" ? Math.fround : (v: number) => v;
  const T = dtype === "float32" ? Float32Array : Float64Array;
  const xs = T.from(values(1)), ys = T.from(values(7));

  for (const [name, f] of Object.entries(UNARY)) {
    test(`${name} ${dtype} over ${N} elements: Wasm path, bitwise the definition and the JS loop`, { skip: !wasm && "no Wasm SIMD" }, () => {
      const want = Array.from(xs, (x) => R(f(x)));
      const before = elementwiseWasmCalls();
      assertBits(fns[name](np.array(xs, dtype)), want, name);
      assert.equal(elementwiseWasmCalls(), before + 1, "ran through Wasm");
      setWasmEnabled(false);
      try {
        assertBits(fns[name](np.array(xs, dtype)), want, `${name} (JS)`);
      } finally {
        setWasmEnabled(true);
      }
    });
  }

  for (const [name, f] of Object.entries(BINARY)) {
    test(`${name} ${dtype}: same shape, number and size-1 operands on either side, rows, bitwise`, { skip: !wasm && "no Wasm SIMD" }, () => {
      const x = np.array(xs, dtype), y = np.array(ys, dtype);
      const c = 0.1; // not a float32 value: it meets float32 arrays as Math.fround(0.1)
      const rc = R(c);
      const row = T.from(values(3).slice(0, 50)), rows = N / 50;
      const x2 = x.reshape([rows, 50]);
      const cases: [string, () => Tensor, ArrayLike<number>][] = [
        ["same shape", () => fns[name](x, y), Array.from(xs, (v, i) => R(f(v, ys[i])))],
        ["array, number", () => fns[name](x, c), Array.from(xs, (v) => R(f(v, rc)))],
        ["number, array", () => fns[name](c, x), Array.from(xs, (v) => R(f(rc, v)))],
        ["array, size-1 tensor", () => fns[name](x, np.array([[-2.5]], dtype).reshape([1])), Array.from(xs, (v) => R(f(v, -2.5)))],
        ["0-d tensor, array", () => fns[name](np.array(3, dtype), x), Array.from(xs, (v) => R(f(3, v)))],
        ["matrix, row", () => fns[name](x2, np.array(row, dtype)), Array.from(xs, (v, i) => R(f(v, row[i % 50])))],
        ["row, matrix", () => fns[name](np.array(row, dtype), x2), Array.from(xs, (v, i) => R(f(row[i % 50], v)))],
      ];
      for (const [what, run, want] of cases) {
        const before = elementwiseWasmCalls();
        assertBits(run(), want, `${name} ${what}`);
        assert.equal(elementwiseWasmCalls(), before + 1, `${name} ${what} ran through Wasm`);
        setWasmEnabled(false);
        try {
          assertBits(run(), want, `${name} ${what} (JS)`);
        } finally {
          setWasmEnabled(true);
        }
      }
    });
  }
}

for (const dtype of ["float32", "float64"] as const) {
  test(`relu_grad ${dtype} over ${N} elements: Wasm path, bitwise the definition and the JS loop`, { skip: !wasm && "no Wasm SIMD" }, () => {
    const T = dtype === "float32" ? Float32Array : Float64Array;
    const gs = T.from(values(13)), xs = T.from(values(14));
    const want = Array.from(gs, (g, i) => reluGrad(g, xs[i]));
    const before = elementwiseWasmCalls();
    assertBits(reluGradOp(np.array(gs, dtype), np.array(xs, dtype)), want, "relu_grad");
    assert.equal(elementwiseWasmCalls(), before + 1, "ran through Wasm");
    setWasmEnabled(false);
    try {
      assertBits(reluGradOp(np.array(gs, dtype), np.array(xs, dtype)), want, "relu_grad (JS)");
    } finally {
      setWasmEnabled(true);
    }
  });
}

test("layouts the Wasm path declines still give the definition's values, through the JS loops", { skip: !wasm && "no Wasm SIMD" }, () => {
  const xs = Float32Array.from(values(5));
  const x = np.array(xs, "float32");
  const before = elementwiseWasmCalls();
  // A strided view, mixed dtypes, a column operand, integers, and a small array.
  const strided = np.array(Float32Array.from(values(9).concat(values(10))), "float32").get("::2");
  const sv = strided.toTypedArray();
  assertBits(np.add(strided, x), Array.from(xs, (v, i) => Math.fround(sv[i] + v)), "strided");
  const v64 = Float64Array.from(values(11));
  assertBits(np.multiply(x, np.array(v64)), Array.from(xs, (v, i) => v * v64[i]), "float32 * float64");
  const col = np.array(Float32Array.from({ length: 100 }, (_, i) => i - 50), "float32").reshape([100, 1]);
  const m = x.reshape([100, 50]);
  assertBits(np.subtract(m, col), Array.from(xs, (v, i) => Math.fround(v - (Math.floor(i / 50) - 50))), "column");
  const ints = np.arange(N).astype("int32");
  assertBits(np.multiply(ints, 3), Array.from({ length: N }, (_, i) => i * 3), "int32");
  assertBits(np.add(np.array([1.5, 2]), 1), [2.5, 3], "small");
  assert.equal(elementwiseWasmCalls(), before, "none of these ran through Wasm");
});

// First-order VJPs and JVPs of unary ops on large arrays run their `wasmVjp` through Wasm; with
// Wasm off the JS `fusedVjp` loop runs. Both must give the same bits, over each op's domain.
const VJP_DOMAINS: Record<string, () => number[]> = {
  arcsin: () => values(21).map((v) => Math.tanh(v)),
  arccos: () => values(22).map((v) => Math.tanh(v)),
  arctan: () => values(23),
  tanh: () => values(24),
  arcsinh: () => values(25),
  arccosh: () => values(26).map((v) => 1 + Math.abs(v)),
  arctanh: () => values(27).map((v) => Math.tanh(v)),
  exp: () => values(28).map((v) => Math.max(-80, Math.min(80, v))),
  exp2: () => values(29).map((v) => Math.max(-120, Math.min(120, v))),
  expm1: () => values(30).map((v) => Math.max(-80, Math.min(80, v))),
  log: () => values(31).map(Math.abs),
  log2: () => values(32).map(Math.abs),
  log10: () => values(33).map(Math.abs),
  log1p: () => values(34).map((v) => Math.abs(v) - 0.5),
  sqrt: () => values(35).map(Math.abs),
  square: () => values(36),
  reciprocal: () => values(37),
};

for (const dtype of ["float32", "float64"] as const) {
  for (const [name, domain] of Object.entries(VJP_DOMAINS)) {
    test(`${name} ${dtype}: the Wasm VJP/JVP pass gives the JS one-pass rule's bits`, { skip: !wasm && "no Wasm SIMD" }, () => {
      const prim = registry.get(name) as unknown as {
        vjp: (g: Tensor, ans: Tensor, args: Tensor[], p: undefined, i: number) => Tensor;
        jvp: (t: Tensor, ans: Tensor, args: Tensor[], p: undefined, i: number) => Tensor;
      };
      const x = np.array(domain(), dtype);
      const ans = fns[name](x); // one forward value for both paths (float32 Wasm math differs from Math.*)
      const ct = np.array(values(40 + name.length), dtype);
      const seed = np.broadcastTo(np.array(1.5, dtype), x.shape); // a broadcast scalar cotangent, as sum's
      const run = (): Tensor[] => [prim.vjp(ct, ans, [x], undefined, 0), prim.vjp(seed, ans, [x], undefined, 0), prim.jvp(ct, ans, [x], undefined, 0)];
      const before = vjpWasmCalls();
      const withWasm = run();
      assert.equal(vjpWasmCalls() - before, 3, `${name}: the three passes ran through Wasm`);
      setWasmEnabled(false);
      let js: Tensor[];
      try {
        js = run();
        assert.equal(vjpWasmCalls() - before, 3, `${name}: with Wasm off, the JS loop ran`);
      } finally {
        setWasmEnabled(true);
      }
      withWasm.forEach((t, i) => assertBits(t, js[i].toTypedArray(), `${name} ${["vjp", "broadcast cotangent", "jvp"][i]}`));
    });
  }
}
