// jit: a compiled function computes what the function computes, eagerly (bitwise on the JS
// kernels, within float32 rounding on the Wasm ones), for elementwise chains with every
// broadcast pattern, full sums, mixed graphs (matmul, reductions over axes, views), pytrees,
// transforms inside (valueAndGrad), retracing per signature, and the errors for reading values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, jit, grad, valueAndGrad, vmap, Tensor, ConcretizationError, stopGradient, customVjp, checkpoint } from "../../src/index.js";
import { setWasmEnabled } from "../../src/kernels/wasm/loader.js";

function rand(shape: number[], seed: number, dtype: "float32" | "float64" = "float64", lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + ((hi - lo) * (Math.imul(i + 7919 * seed, 2654435761) >>> 0)) / 2 ** 32;
  return np.array(dtype === "float32" ? Float32Array.from(a) : a, dtype).reshape(shape);
}

/** Same shape, dtype and values: bitwise when tol is 0, else within tol relative to max(1, |x|). */
function same(a: unknown, b: unknown, tol = 0, path = "out"): void {
  if (a instanceof Tensor) {
    assert.ok(b instanceof Tensor, `${path}: expected a tensor`);
    assert.deepEqual(b.shape, a.shape, `${path}: shape`);
    assert.equal(b.dtype, a.dtype, `${path}: dtype`);
    const x = a.toTypedArray(), y = b.toTypedArray();
    for (let i = 0; i < x.length; i++) {
      if (tol === 0) assert.ok(Object.is(x[i], y[i]), `${path}[${i}]: ${y[i]} !== ${x[i]}`);
      else assert.ok(Math.abs(x[i] - y[i]) <= tol * Math.max(1, Math.abs(x[i])) || (Number.isNaN(x[i]) && Number.isNaN(y[i])), `${path}[${i}]: ${y[i]} vs ${x[i]}`);
    }
    return;
  }
  if (Array.isArray(a)) {
    assert.ok(Array.isArray(b) && b.length === a.length, `${path}: expected an array of ${a.length}`);
    a.forEach((v, i) => same(v, (b as unknown[])[i], tol, `${path}[${i}]`));
    return;
  }
  if (a !== null && typeof a === "object") {
    for (const k of Object.keys(a)) same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], tol, `${path}.${k}`);
    return;
  }
  assert.equal(b, a, path);
}

/** jit(f) on the first (tracing) call and on two replays equals f. */
function check(f: (...a: never[]) => unknown, args: unknown[], tol = 0): void {
  const call = f as unknown as (...a: unknown[]) => unknown;
  const want = call(...args);
  const jf = jit(f) as unknown as (...a: unknown[]) => unknown;
  same(want, jf(...args), tol, "trace");
  same(want, jf(...args), tol, "replay");
  same(want, jf(...args), tol, "replay 2");
}

const W2 = (x: Tensor): Tensor => {
  const xx = np.multiply(x, x);
  return np.sum(np.add(np.multiply(np.tanh(x), np.exp(np.negative(xx))), np.log1p(xx)));
};

for (const wasm of [false, true]) {
  const tag = wasm ? "Wasm kernels" : "JS kernels";
  // On the JS kernels jit is bitwise eager; Wasm float32 transcendentals are within 2 ulp.
  const t32 = wasm ? 1e-5 : 0;
  test(`jit (${tag}): elementwise chains equal eager, float64 and float32`, () => {
    setWasmEnabled(wasm);
    try {
      for (const dt of ["float64", "float32"] as const) {
        const tol = dt === "float32" ? t32 : 0;
        const x = rand([1000], 1, dt), y = rand([1000], 2, dt, 0.5, 2);
        check((a: Tensor, b: Tensor) => np.add(np.multiply(np.sin(a), b), np.divide(np.exp(a), b)), [x, y], tol);
        check((a: Tensor) => np.tanh(np.subtract(np.square(a), 0.25)), [x], tol);
        check((a: Tensor, b: Tensor) => np.maximum(np.log(b), np.negative(np.abs(a))), [x, y], tol);
        check((a: Tensor) => np.sqrt(np.add(np.multiply(a, a), 1)), [x], tol);
        check((a: Tensor) => np.power(a, 3), [x], tol);
        check((a: Tensor) => np.arctan(np.expm1(a)), [x], tol);
        check(W2, [x], dt === "float32" ? Math.max(tol, 1e-6) : 1e-9);
        check(valueAndGrad(W2), [x], dt === "float32" ? Math.max(tol, 1e-6) : 1e-9);
      }
    } finally {
      setWasmEnabled(true);
    }
  });

  test(`jit (${tag}): broadcasting inputs (scalar, row, column, general) and constants`, () => {
    setWasmEnabled(wasm);
    try {
      for (const dt of ["float64", "float32"] as const) {
        const tol = dt === "float32" ? t32 : 0;
        const m = rand([6, 5], 3, dt), row = rand([5], 4, dt), col = rand([6, 1], 5, dt), s = rand([], 6, dt);
        const odd = rand([6, 1], 7, dt), cube = rand([4, 6, 5], 8, dt);
        const cap = rand([5], 9, dt);
        check((a: Tensor, r: Tensor) => np.exp(np.add(a, r)), [m, r0(row)], tol);
        check((a: Tensor, c: Tensor) => np.multiply(np.tanh(a), c), [m, col], tol);
        check((a: Tensor, c: Tensor, r: Tensor) => np.add(np.multiply(a, c), np.multiply(r, 2)), [m, col, row], tol);
        check((a: Tensor, b: Tensor) => np.sin(np.multiply(a, b)), [m, s], tol);
        check((a: Tensor, b: Tensor) => np.subtract(a, b), [cube, odd], tol);
        check((a: Tensor) => np.multiply(np.cos(a), cap), [m], tol);
        check((a: Tensor) => np.multiply(a, np.broadcastTo(np.array(3, dt), [6, 5])), [m], tol);
      }
    } finally {
      setWasmEnabled(true);
    }
  });
}

/** Identity; names a row-vector argument in the tests. */
function r0(t: Tensor): Tensor {
  return t;
}

test("jit: graphs mixing fused and other primitives, views, pytrees and static numbers", () => {
  const a = rand([8, 16], 11), b = rand([16, 4], 12), v = rand([4], 13);
  check((x: Tensor, w: Tensor, c: Tensor) => np.tanh(np.add(np.matmul(np.exp(x), w), c)), [a, b, v]);
  check((x: Tensor) => np.sum(np.exp(x), { axis: 0 }), [a]);
  check((x: Tensor) => np.subtract(x, np.mean(x, { axis: 1, keepdims: true })), [a]);
  check((x: Tensor) => np.exp(x).T.reshape([16, 8]), [a]);
  check((x: Tensor) => np.sum(np.multiply(np.exp(x), np.sum(np.sin(x)))), [a], 1e-12);
  check((p: { w: Tensor; bias: Tensor[] }, k: number) => ({ out: np.multiply(np.add(np.matmul(a, p.w), p.bias[0]), k), k }), [{ w: b, bias: [v] }, 3]);
  check((x: Tensor) => [np.exp(x), x, 2], [a]);
  // Infinities and NaN in a fused float64 sum come out as eager sums give them.
  check((x: Tensor) => np.sum(np.exp(np.multiply(x, 1000))), [a]);
  check((x: Tensor) => np.sum(np.negative(np.exp(np.multiply(x, 1000)))), [a]);
  check((x: Tensor) => np.sum(np.log(x)), [a]);
  // The softmax cross-entropy step of an MLP, with gradients and an SGD update.
  const X = rand([32, 16], 14, "float32"), Y = np.eye(4, undefined, undefined, "float32").get(np.arange(32).get("...").mod(4) as Tensor);
  const loss = ([w, c]: Tensor[]): Tensor => {
    const z = np.add(np.matmul(X, w), c);
    const m = stopGradient(np.max(z, { axis: 1, keepdims: true }));
    const lp = np.subtract(np.subtract(z, m), np.log(np.sum(np.exp(np.subtract(z, m)), { axis: 1, keepdims: true })));
    return np.negative(np.mean(np.sum(np.multiply(Y, lp), { axis: 1 })));
  };
  const step = (ps: Tensor[]): [Tensor, Tensor[]] => {
    const [l, g] = valueAndGrad(loss)(ps);
    return [l, ps.map((p, i) => np.subtract(p, np.multiply(0.1, g[i])))];
  };
  const p0 = [rand([16, 4], 15, "float32"), np.zeros([4], "float32")];
  // Fused float32 sums accumulate in float64 (eager sums pairwise in float32): not bitwise.
  check(step, [p0], 1e-6);
  // Training several steps gives the same losses.
  const js = jit(step);
  let pe = p0, pj = p0;
  for (let i = 0; i < 4; i++) {
    const [le, ne] = step(pe), [lj, nj] = js(pj);
    same(le, lj, 1e-6);
    pe = ne;
    pj = nj;
  }
});

test("jit: outputs are never overwritten by later calls (buffer reuse is internal only)", () => {
  const f = jit((x: Tensor) => {
    const e = np.exp(x);
    return [np.sin(e), np.add(e, 1).reshape([-1]), np.matmul(np.cos(e), np.cos(e).T)];
  });
  const x1 = rand([3, 4], 21), x2 = rand([3, 4], 22);
  f(x1); // the tracing call: its outputs are eager values
  const first = f(x1); // a replay's
  const copy = first.map((t) => np.array(t.toTypedArray().slice()).reshape(t.shape));
  const second = f(x2);
  f(x2);
  // Checked before x1 runs again (which would write the same values back).
  first.forEach((t, i) => same(copy[i].astype(t.dtype), t));
  assert.notEqual(second[0].toTypedArray()[0], first[0].toTypedArray()[0]);
  const again = f(x1);
  first.forEach((t, i) => same(t, again[i]));
});

test("jit: a new signature (shape, dtype, static number, structure) retraces; the cache is bounded", () => {
  let traces = 0;
  const f = jit(
    (x: Tensor, k: number) => {
      traces++;
      return np.multiply(np.exp(x), k);
    },
    { cacheSize: 2 },
  );
  const a = rand([5], 1), b = rand([6], 2);
  same(np.multiply(np.exp(a), 2), f(a, 2));
  f(a, 2);
  assert.equal(traces, 1);
  same(np.multiply(np.exp(b), 2), f(b, 2));
  same(np.multiply(np.exp(a), 3), f(a, 3));
  assert.equal(traces, 3);
  same(np.multiply(np.exp(a.astype("float32")), 3), f(a.astype("float32"), 3));
  assert.equal(traces, 4);
  f(b, 2); // evicted (cache of 2): traced again
  assert.equal(traces, 5);
  // A transposed (non-contiguous) input of the same shape is a signature of its own, and right.
  const sq = rand([4, 4], 3);
  same(np.multiply(np.exp(sq.T), 2), f(sq.T, 2));
  same(np.multiply(np.exp(sq), 2), f(sq, 2));
});

test("jit: reading a value inside throws ConcretizationError naming the fix", () => {
  const x = rand([3], 1);
  assert.throws(() => jit((t: Tensor) => np.multiply(t, t.sum().item()))(x), (e: Error) => e instanceof ConcretizationError && /np\.where/.test(e.message));
  assert.throws(() => jit((t: Tensor) => t.get(np.greater(t, 0)))(x), ConcretizationError);
  assert.throws(() => jit((t: Tensor) => String(t))(x), ConcretizationError);
  // np.where is the way to branch.
  check((t: Tensor) => np.where(np.greater(t, 0), np.exp(t), np.sin(t)), [x]);
});

test("jit composes: grad(jit(f)), jit(grad(f)), vmap(jit(f)), jit inside jit", () => {
  const f = (x: Tensor): Tensor => np.sum(np.multiply(np.sin(x), np.exp(x)));
  const x = rand([7], 31);
  const want = grad(f)(x);
  same(want, grad(jit(f))(x));
  same(want, jit(grad(f))(x));
  same(want, jit(grad(f))(x));
  const xs = rand([3, 7], 32);
  same(vmap(grad(f))(xs), vmap(jit(grad(f)))(xs));
  const inner = jit((t: Tensor) => np.exp(t));
  check((t: Tensor) => np.sin(inner(t)), [x]);
});

test("jit: tensors captured from the scope are constants of the compiled function", () => {
  let w = np.array([1, 2, 3]);
  const f = jit((x: Tensor) => np.multiply(x, w));
  same(np.array([2, 4, 6]), f(np.array([2, 2, 2])));
  w = np.array([10, 10, 10]); // documented: not seen by the compiled function
  same(np.array([2, 4, 6]), f(np.array([2, 2, 2])));
});

test("jit: bad arguments are refused clearly", () => {
  assert.throws(() => jit(42 as never), /jit: expected a function/);
  assert.throws(() => jit((x: Tensor) => x, { cacheSize: 0 }), /cacheSize/);
  assert.throws(() => jit((x: Tensor) => x)("nope" as never), /pytree/);
});

/**
 * Random straight-line programs over a few inputs of broadcast-compatible shapes: elementwise
 * ops (fused), full sums (fused accumulators), axis sums, transposes and matmuls in between (not
 * fused, and sealing groups), a sum used again by elementwise ops of the same shape (which must
 * start a new group). jit must equal eager on every output.
 */
test("jit: random programs mixing fused and unfused primitives equal eager", () => {
  let s = 12345;
  const rnd = (k: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % k;
  };
  const unary = [np.sin, np.tanh, np.exp, (t: Tensor) => np.log1p(np.square(t)), np.negative, np.abs, np.square];
  const binary = [np.add, np.subtract, np.multiply, np.maximum, np.minimum, (a: Tensor, b: Tensor) => np.divide(a, np.add(np.square(b), 1))];
  for (let trial = 0; trial < 60; trial++) {
    const dt = trial % 2 === 0 ? "float64" : "float32";
    const shapes = [[6, 5], [5], [6, 1], [], [6, 5]];
    const w = rand([5, 5], 999, dt);
    const program = (...ins: Tensor[]): Tensor[] => {
      const vals: Tensor[] = [...ins];
      const pick = (): Tensor => vals[rnd(vals.length)];
      const outs: Tensor[] = [];
      for (let step = 0; step < 12; step++) {
        const r = rnd(10);
        let v: Tensor;
        if (r < 4) v = unary[rnd(unary.length)](pick());
        else if (r < 7) v = binary[rnd(binary.length)](pick(), pick());
        else if (r === 7) v = np.sum(pick());
        else if (r === 8) {
          const a = pick();
          v = a.ndim === 2 ? np.sum(a, { axis: rnd(2), keepdims: true }) : np.multiply(a, 0.5);
        } else {
          const a = pick();
          // A product with a captured constant, through a transposed view: (6, 5) again.
          v = a.ndim === 2 && a.shape[0] === 6 && a.shape[1] === 5 ? np.transpose(np.matmul(np.transpose(w), np.transpose(a))) : np.multiply(a, 2);
        }
        vals.push(v);
        if (rnd(3) === 0) outs.push(v);
      }
      outs.push(vals[vals.length - 1]);
      return outs;
    };
    const args = shapes.map((sh, i) => rand(sh, 100 + trial * 7 + i, dt));
    const seed = s;
    const want = program(...args);
    s = seed; // the same random program again, traced
    const jf = jit(program);
    const got1 = jf(...args);
    s = seed;
    const got2 = jf(...args); // replay (the program is not re-run, so s is not consumed)
    // Sums fused into loops accumulate differently from eager pairwise sums.
    const tol = dt === "float32" ? 2e-5 : 1e-12;
    same(want, got1, tol, `trial ${trial} trace`);
    same(want, got2, tol, `trial ${trial} replay`);
  }
});

test("jit(grad) through customVjp and checkpoint equals grad", () => {
  const clipped = customVjp(
    (x: Tensor) => np.sin(x),
    (x: Tensor) => [np.sin(x), x],
    (x: Tensor, g: Tensor) => [np.clip(np.multiply(g, np.cos(x)), -0.5, 0.5)],
  );
  const f = (x: Tensor): Tensor => np.sum(np.multiply(clipped(x), checkpoint((y: Tensor) => np.exp(np.tanh(y)))(x)));
  check(grad(f), [np.array([0.1, 1.0, -2.0, 3.0])]);
  // The custom rule clips the sine factor's cotangent cos(3) e^tanh(3) (about -2.7) to -0.5.
  const g = (jit(grad(f)) as (x: Tensor) => Tensor)(np.array([3.0])).item();
  const th = Math.tanh(3), e = Math.exp(th);
  const want = -0.5 + Math.sin(3) * e * (1 - th * th);
  assert.ok(Math.abs(g - want) < 1e-12, `${g} vs ${want}`);
});
