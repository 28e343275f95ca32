// jit's plan-owned buffers for unfused primitives (`implInto`: products, convolutions, pooling):
// reused from call to call only for values that never reach the caller, rewritten in full (or
// cleared, for kernels that add into their output) on every call, never shared with an operand,
// and never reused by a replay entered again from inside itself. Each test here fails when the
// corresponding check in src/transforms/jit-plan.ts / jit-run.ts or an `implInto` is removed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertSameBits } from "../helpers/same-bits.js";
import { np, nn, jit, grad, vjp, Tensor, primitive } from "../../src/index.js";
import { registry } from "../../src/core/primitive.js";
import { GraphTrace } from "../../src/core/graph.js";
import { closeLevel, nextLevel } from "../../src/core/trace.js";

function rand(shape: number[], seed: number, dtype: "float32" | "float64" = "float64", lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + ((hi - lo) * (Math.imul(i + 7919 * seed, 2654435761) >>> 0)) / 2 ** 32;
  return np.array(dtype === "float32" ? Float32Array.from(a) : a, dtype).reshape(shape);
}

/** A user primitive passing its argument through, handing it to `see` first (white-box probes). */
function probe(see: (t: Tensor) => void): (t: Tensor) => Tensor {
  return primitive(function probe(t: Tensor) {
    see(t);
    return t;
  }) as unknown as (t: Tensor) => Tensor;
}

test("jit: an intermediate product's buffer is reused across calls, and rewritten in full each call", () => {
  const w = rand([16, 24], 41, "float32");
  const seen: unknown[] = [];
  const look = probe((t) => seen.push(t.data));
  // Arithmetic only: fused float32 transcendentals on Wasm are within 2 ulp, not bitwise.
  const f = (x: Tensor): Tensor => np.square(np.add(look(np.matmul(x, w)), 1));
  const jf = jit(f);
  const xs = [rand([8, 16], 42, "float32"), rand([8, 16], 43, "float32"), rand([8, 16], 44, "float32")];
  for (const x of xs) assertSameBits(f(x), jf(x));
  assertSameBits(f(xs[0]), jf(xs[0]));
  // seen: eager f, trace, eager f, replay, eager f, replay, eager f, replay.
  const replays = [seen[3], seen[5], seen[7]];
  assert.ok(replays[0] === replays[1] && replays[1] === replays[2], "the replays share one product buffer");
  assert.notEqual(seen[1], seen[3], "the tracing call's (eager) result is not the plan's buffer");
});

test("jit: a reused product buffer never backs a value the caller gets (views, reshapes, later calls)", () => {
  const w = rand([5, 6], 51), w2 = rand([6, 3], 52);
  const f = (x: Tensor): Tensor[] => {
    const p = np.matmul(x, w);
    const q = np.matmul(np.exp(x), w); // an intermediate product, viewed by an output
    const r = np.matmul(p, w2); // an intermediate only read by fused ops
    return [p.T, q.reshape([-1]), np.sin(r), np.matmul(np.tanh(r), w2.T).get(1)];
  };
  const jf = jit(f);
  const x1 = rand([4, 5], 53), x2 = rand([4, 5], 54);
  jf(x1); // the tracing call
  const first = jf(x1);
  const copy = first.map((t) => np.array(t.toTypedArray().slice()).reshape(t.shape));
  assertSameBits(f(x2), jf(x2));
  assertSameBits(f(x2), jf(x2));
  first.forEach((t, i) => assertSameBits(copy[i], t, `first[${i}] after later calls`));
  assertSameBits(f(x1), jf(x1));
});

test("jit: products reused in every layout the kernels take equal eager on each call", () => {
  const dts = ["float32", "float64"] as const;
  for (const dt of dts) {
    const a = rand([3, 7, 9], 61, dt), b = rand([9, 10], 62, dt);
    // (Fused full sums accumulate otherwise than eager ones: the outputs stay arrays.)
    const f = (x: Tensor, y: Tensor): Tensor[] => {
      const batched = np.matmul(np.add(x, 0.5), np.multiply(y, 2)); // (3, 7, 10), one batched product
      const tr = np.matmul(np.transpose(y), np.transpose(x, [0, 2, 1])); // transposed operands (3, 10, 7)
      const small = np.matmul(x.get(0, ":2"), y.get(":", ":2")); // a JS-kernel product (2, 2)
      const vec = np.dot(x.get(1, 0), y.get(":", 3)); // 0-d
      // Arithmetic only: fused float32 transcendentals on Wasm are within 2 ulp, not bitwise.
      return [np.subtract(batched, 1), np.square(tr), np.square(small), np.multiply(vec, 3)];
    };
    const jf = jit(f);
    for (let k = 0; k < 4; k++) {
      const x = np.multiply(a, 1 + k / 4), y = np.subtract(b, k / 8);
      assertSameBits(f(x, y), jf(x, y), `${dt} call ${k}`);
      // Gradients: the rank-one path (a broadcast cotangent) and the products of the backward pass.
      const g = grad((u: Tensor, v: Tensor) => np.sum(np.matmul(u, v)), [0, 1]);
      assertSameBits(g(x, y), jit(g)(x, y), `${dt} grad call ${k}`);
    }
  }
  // int32 products (JS kernel) reuse their buffer too; bool products are computed elsewhere.
  const ia = np.array([[1, 2, 3], [4, 5, 6]], "int32"), ib = np.array([[1, 0], [2, 1], [0, 3]], "int32");
  const fi = (x: Tensor, y: Tensor): Tensor => np.add(np.matmul(x, y), 1);
  const jfi = jit(fi);
  for (let k = 0; k < 3; k++) assertSameBits(fi(np.add(ia, k), ib), jfi(np.add(ia, k), ib));
  const fb = (x: Tensor): Tensor => np.logicalNot(np.matmul(np.greater(x, 2), np.greater(x.T, 3)));
  const jfb = jit(fb);
  for (let k = 0; k < 3; k++) assertSameBits(fb(np.add(ia, k)), jfb(np.add(ia, k)));
});

test("jit: a replay entered again from inside itself does not reuse its buffers", () => {
  const w = rand([6, 6], 71);
  let armed = false;
  let innerResult: Tensor | null = null;
  const x1 = rand([4, 6], 72), x2 = rand([4, 6], 73);
  // The probe runs the compiled function again, on other data, in the middle of a replay.
  const reenter = probe(() => {
    if (!armed) return;
    armed = false;
    innerResult = jf(x2);
  });
  const f = (x: Tensor): Tensor => {
    const p = np.matmul(x, w);
    const q = reenter(p); // the same storage as p, read after the inner call
    return np.add(np.sin(np.matmul(q, w)), np.exp(p));
  };
  const jf = jit(f);
  const want1 = f(x1), want2 = f(x2);
  assertSameBits(want1, jf(x1)); // trace
  armed = true;
  assertSameBits(want1, jf(x1), "outer replay");
  assert.ok(innerResult !== null, "the inner call ran");
  assertSameBits(want2, innerResult, "inner replay");
  assertSameBits(want1, jf(x1), "replay after");
});

test("dot_general's implInto writes into a fitting buffer, and never into an operand's", () => {
  const prim = registry.get("dot_general");
  assert.ok(prim !== undefined && prim.implInto !== undefined);
  const into = prim.implInto;
  const p = { lb: [], rb: [], lc: [1], rc: [0] };
  const a = np.array([[1, 2], [3, 4]], "float32"), b = np.array([[5, 6], [7, 8]], "float32");
  const want = [19, 22, 43, 50];
  const out = new Float32Array([9, 9, 9, 9]);
  const r = into([a, b], p, out);
  assert.equal(r.data, out);
  assert.deepEqual([...r.toTypedArray()], want);
  // The wrong length or type: a fresh array, `out` untouched.
  const short = new Float32Array(3), wide = new Float64Array(4);
  assert.notEqual(into([a, b], p, short).data, short);
  assert.notEqual(into([a, b], p, wide).data, wide);
  assert.deepEqual([...wide], [0, 0, 0, 0]);
  // An operand's own storage: the product must not be written over what it reads.
  const aa = np.array([[1, 2], [3, 4]], "float32");
  const r2 = into([aa, aa], p, aa.data as Float32Array);
  assert.deepEqual([...r2.toTypedArray()], [7, 10, 15, 22]);
  assert.deepEqual([...aa.toTypedArray()], [1, 2, 3, 4]);
});

test("jit: reused conv and pooling buffers (forward, both gradients, scatter) equal eager on every call", () => {
  const F = nn.functional;
  // float64 takes the JS kernels, float32 the Wasm ones; 11 -> 9 -> pooled 4 leaves ragged
  // edges the scatter never writes, so a reused gradient buffer must be cleared first.
  for (const dt of ["float64", "float32"] as const) {
    const ws = [rand([4, 2, 3, 3], 81, dt), rand([4], 82, dt), rand([3, 4, 3, 3], 83, dt)];
    const loss = (p: Tensor[], x: Tensor): Tensor => {
      const h = F.maxPool2d(F.relu(F.conv2d(x, p[0], p[1])), 2);
      const y = F.conv2d(h, p[2]);
      return np.sum(np.multiply(y, y));
    };
    // Gradients, and a view of an intermediate convolution (which must then not be reused).
    const f = (p: Tensor[], x: Tensor): unknown => [grad(loss)(p, x), grad(loss, 1)(p, x), F.conv2d(x, p[0]).get(1)];
    const jf = jit(f);
    const outs: unknown[] = [];
    for (let k = 0; k < 4; k++) {
      const x = rand([2, 2, 11, 11], 84 + k, dt);
      const got = jf(ws, x);
      assertSameBits(f(ws, x), got, `${dt} call ${k}`);
      outs.push(got);
    }
    // Earlier results are intact after later calls.
    for (let k = 0; k < 4; k++) assertSameBits(f(ws, rand([2, 2, 11, 11], 84 + k, dt)), outs[k], `${dt} result ${k} kept`);
  }
});

/**
 * Every primitive declaring `implInto`, run on a buffer full of garbage (NaN, or -7 for int32),
 * must give bitwise `impl`'s result in that buffer: a kernel that adds into its output and
 * forgot to clear a reused buffer, or left part of it unwritten, shows here on every path.
 * The arguments come from recording a CNN step and a few products with jit's graph trace.
 */
test("implInto equals impl on a buffer of garbage, for every primitive declaring it", () => {
  const F = nn.functional;
  const covered = new Set<string>();
  for (const dt of ["float64", "float32"] as const) {
    const body = (w1: Tensor, w2: Tensor, x: Tensor, a: Tensor): unknown => {
      const loss = (p1: Tensor, p2: Tensor, xx: Tensor): Tensor => {
        const h = F.maxPool2d(F.relu(F.conv2d(xx, p1)), 2);
        return np.sum(np.square(F.conv2d(h, p2, undefined, { padding: 1 })));
      };
      return [grad(loss, [0, 1, 2])(w1, w2, x), np.matmul(a, a.T), np.matmul(a.astype("int32"), a.T.astype("int32")), np.dot(a.get(0), a.get(1))];
    };
    const ins = [rand([3, 2, 3, 3], 91, dt), rand([2, 3, 3, 3], 92, dt), rand([2, 2, 9, 9], 93, dt), rand([4, 6], 94, dt, -3, 3)];
    const trace = new GraphTrace(nextLevel());
    try {
      body(...(ins.map((t) => trace.input(t)) as [Tensor, Tensor, Tensor, Tensor]));
    } finally {
      closeLevel(trace);
    }
    const env: Tensor[] = [...ins];
    for (const eq of trace.equations) {
      const args = eq.args.map((a) => (typeof a === "number" ? a : "id" in a ? env[a.id] : a.constant));
      const want = eq.prim.impl(args, eq.params);
      env[eq.out] = want;
      if (eq.prim.implInto === undefined) continue;
      covered.add(eq.prim.name);
      const n = want.shape.reduce((x, y) => x * y, 1);
      const buf = eq.dtype === "int32" ? new Int32Array(n).fill(-7) : eq.dtype === "float32" ? new Float32Array(n).fill(NaN) : new Float64Array(n).fill(NaN);
      const got = eq.prim.implInto(args, eq.params, buf);
      assertSameBits(want, got, `${eq.prim.name} ${dt}`);
      assert.equal(got.data, buf, `${eq.prim.name} ${dt}: written into the given buffer`);
    }
  }
  const declaring = [...registry.values()].filter((p) => p.implInto !== undefined).map((p) => p.name).sort();
  assert.deepEqual([...covered].sort(), declaring, "add the new implInto primitive to this test's function");
});

test("a convolution's kept unfolding of a reused buffer is not read after the buffer is rewritten", () => {
  // S is a fused output the plan reuses. The weight gradient of a convolution of S runs before
  // the only forward convolution of S that is kept (the pullback's own forward is dead code), so
  // on the next call it would find the columns of last call's S unless rewriting S drops them.
  const f = (w: Tensor, w2: Tensor, x: Tensor) => {
    const S = np.tanh(np.multiply(x, 2));
    const [, pull] = vjp((v: Tensor) => nn.functional.conv2d(S, v), w);
    const [gw] = pull(np.ones([2, 3, 6, 6])) as unknown as Tensor[];
    return [gw, nn.functional.conv2d(S, w2)];
  };
  const w = rand([3, 2, 3, 3], 1), w2 = rand([3, 2, 3, 3], 2);
  const j = jit(f);
  for (let k = 0; k < 4; k++) {
    const x = rand([2, 2, 8, 8], 10 + k);
    assertSameBits(f(w, w2, x), j(w, w2, x), `call ${k}`);
  }
});

test("strided and broadcast inputs of a fused group are copied afresh on every call", () => {
  // x.T and x[:, 1:] are strided views, b broadcast along rows and copied: the plan keeps the
  // contiguous copies between calls, so a stale copy would repeat the first call's values.
  const f = (x: Tensor, b: Tensor) => {
    const t = np.transpose(x).get(":-1", ":");
    return np.add(np.multiply(np.sin(t), x.get(":", "1:")), np.exp(np.multiply(np.expandDims(b, 1), t)));
  };
  const j = jit(f);
  for (let k = 0; k < 4; k++) {
    const x = rand([40, 41], 20 + k), b = rand([40], 30 + k);
    assertSameBits(f(x, b), j(x, b), `call ${k}`);
  }
});
