// jit's 0-d kernels: chains of scalar (0-d) elementwise primitives compiled into straight-line
// JS over the plan's value slots, cut every few hundred ops, values becoming tensors only where
// something else reads them. Every result is compared bitwise with the same function run eagerly
// (the eager 0-d kernels are the definition), on several calls with different inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertSameBits } from "../helpers/same-bits.js";
import { np, jit, grad, valueAndGrad, primitive, Tensor } from "../../src/index.js";
import { registry } from "../../src/core/primitive.js";
import { setWasmEnabled } from "../../src/kernels/wasm/loader.js";

/** W1 of BENCHMARKS.md with `steps` iterations: 5 ops each, all 0-d. */
const w1 = (steps: number) => (x: Tensor) => {
  for (let i = 0; i < steps; i++) x = np.add(np.multiply(np.sin(x), 1.0001), np.multiply(np.multiply(0.01, x), x));
  return x;
};

for (const dtype of ["float64", "float32"] as const) {
  test(`jit: W1's gradient (thousands of 0-d ops, many kernels) equals eager bitwise, ${dtype}`, () => {
    const g = grad(w1(1000));
    const jg = jit(g);
    for (const x of [0.5, -1.25, 3, 1e-8]) assertSameBits(g(np.array(x, dtype)), jg(np.array(x, dtype)), `x = ${x}`);
  });

  test(`jit: value and gradient of a 0-d function with every fused op, ${dtype}`, () => {
    const f = (x: Tensor, y: Tensor) => {
      const a = np.add(np.multiply(np.sin(x), np.cos(y)), np.divide(np.exp(np.negative(np.square(x))), np.add(1, np.abs(y))));
      const b = np.subtract(np.log1p(np.square(y)), np.tanh(np.multiply(x, y)));
      const c = np.add(np.maximum(a, b), np.minimum(np.sqrt(np.add(np.square(x), 1)), np.expm1(np.multiply(0.1, y))));
      return np.add(np.multiply(c, np.reciprocal(np.add(2, np.sign(x)))), np.log(np.add(np.square(y), 0.5)));
    };
    const vg = valueAndGrad(f, { argnums: [0, 1] });
    const jvg = jit(vg);
    for (const [x, y] of [[0.3, -0.7], [-2, 1.5], [0, 0], [1e3, -1e-3]])
      assertSameBits(vg(np.array(x, dtype), np.array(y, dtype)), jvg(np.array(x, dtype), np.array(y, dtype)), `(${x}, ${y})`);
  });
}

test("jit: weak numbers and captured 0-d constants compiled in as literals keep -0, NaN and infinities", () => {
  const c = np.array(-0), inf = np.array(Infinity);
  const f = (x: Tensor) => [
    np.multiply(x, -0),
    np.add(np.multiply(x, c), -0),
    np.divide(x, inf),
    np.add(x, NaN),
    np.minimum(x, -Infinity),
    np.multiply(np.array(0.1, "float32").astype("float64"), x),
  ];
  const jf = jit(f);
  for (const x of [2, -3, 0, -0]) assertSameBits(f(np.array(x)), jf(np.array(x)), `x = ${x}`);
});

test("jit: 0-d values read by array ops, and array sums read by 0-d ops, cross over as tensors", () => {
  const v = np.array([0.5, -1, 2, 4]);
  const f = (x: Tensor, w: Tensor) => {
    const s = np.sin(np.multiply(x, 3)); // 0-d chain
    const arr = np.exp(np.multiply(w, s)); // read by an array group
    const t = np.sum(np.square(arr)); // an array group's sum, read by the next 0-d chain
    const u = np.add(np.cos(t), np.multiply(s, t));
    return [u, np.multiply(arr, u), s];
  };
  const jf = jit(f);
  for (const x of [0.1, -0.4, 2]) assertSameBits(f(np.array(x), v), jf(np.array(x), v), `x = ${x}`);
  const gf = grad((x: Tensor, w: Tensor) => np.sum((f(x, w) as Tensor[])[1]), { argnums: [0, 1] });
  const jgf = jit(gf);
  for (const x of [0.1, -0.4]) assertSameBits(gf(np.array(x), v), jgf(np.array(x), v), `gradient at ${x}`);
});

test("jit: a 0-d replay entered again from inside itself gets its own value slots", () => {
  let armed = false;
  let inner: Tensor | null = null;
  const reenter = primitive(function reenterScalar(t: Tensor) {
    if (armed) {
      armed = false;
      inner = jf(np.array(-2.5)) as Tensor;
    }
    return t;
  }) as unknown as (t: Tensor) => Tensor;
  const f = (x: Tensor): Tensor => {
    const a = w1(300)(x); // kernels before the re-entry...
    const b = reenter(a);
    return np.add(w1(300)(b), np.multiply(a, 2)); // ...and after, reading a value from before
  };
  const jf = jit(f);
  const want1 = f(np.array(0.75)), want2 = f(np.array(-2.5));
  assertSameBits(want1, jf(np.array(0.75)), "trace");
  armed = true;
  assertSameBits(want1, jf(np.array(0.75)), "outer replay");
  assert.ok(inner !== null, "the inner call ran");
  assertSameBits(want2, inner, "inner replay");
  assertSameBits(want1, jf(np.array(0.75)), "replay after");
});

test("jit: a replay of W1's gradient runs no primitive one by one (every op is in a 0-d kernel)", () => {
  const g = grad(w1(200));
  const jg = jit(g);
  jg(np.array(0.5)); // trace
  let calls = 0;
  const saved: [Record<string, unknown>, string, unknown][] = [];
  for (const prim of registry.values()) {
    const p = prim as unknown as Record<string, unknown>;
    for (const k of ["impl", "impl1", "impl2", "implInto"]) {
      const f = p[k];
      if (typeof f !== "function") continue;
      saved.push([p, k, f]);
      p[k] = (...a: unknown[]) => {
        calls++;
        return (f as (...x: unknown[]) => unknown)(...a);
      };
    }
  }
  let eagerCalls: number, replayCalls: number;
  try {
    const want = g(np.array(-0.3));
    eagerCalls = calls;
    calls = 0;
    assertSameBits(want, jg(np.array(-0.3)));
    replayCalls = calls;
  } finally {
    for (const [p, k, f] of saved) p[k] = f;
  }
  assert.ok(eagerCalls > 1000, `the counting wrappers saw the eager run (${eagerCalls} calls)`);
  assert.equal(replayCalls, 0);
});

test("jit: a weak number meets float32 values as Math.fround(number), in every fused compiler", () => {
  // 1.0001 and 0.01 are not float32 values: multiplying by them unrounded differs from eager.
  const f = (x: Tensor) => np.add(np.multiply(np.sin(x), 1.0001), np.multiply(np.multiply(0.01, x), x));
  const xs = np.array(Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 3), "float32");
  for (const wasm of [true, false]) {
    setWasmEnabled(wasm);
    try {
      const jf = jit(f);
      for (let k = 0; k < 2; k++) {
        const x = np.add(xs, k);
        const want = f(x).toTypedArray(), got = (jf(x) as Tensor).toTypedArray();
        // sin on Wasm is within 2 ulp, not bitwise: compare the JS kernels bitwise, Wasm closely.
        for (let i = 0; i < want.length; i++)
          if (wasm) assert.ok(Math.abs(got[i] - want[i]) <= 4e-7 * Math.max(1, Math.abs(want[i])), `wasm [${i}]`);
          else assert.ok(Object.is(got[i], want[i]), `js [${i}]: ${got[i]} !== ${want[i]}`);
      }
      for (const x of [0.3, -1.25, 2]) assertSameBits(f(np.array(x, "float32")), jf(np.array(x, "float32")), `0-d ${x}`);
    } finally {
      setWasmEnabled(true);
    }
  }
});
