// Checks run inside Chromium by scripts/test-browser.mjs: on a page's main thread and in a module
// Web Worker, cross-origin isolated or not. Plain JavaScript over dist/ (what a bundler would
// ship), so it runs without a build step of its own. Expected values are computed here with
// naive loops and closed forms, never taken from chainrule itself. Each check returns
// { name, ok, detail }; the runner fails on any ok === false and on a missing context.
import * as cr from "/dist/index.js";
import { gemmDriver, setWasmEnabled, wasmAvailable } from "/dist/kernels/wasm/loader.js";
import { maxPool2x2Wasm } from "/dist/kernels/wasm-pool.js";
import { elementwiseWasmCalls } from "/dist/ops/elementwise-wasm.js";
import { enableThreads, disableThreads, threadCount } from "/dist/kernels/threads/web.js";

const { np } = cr;

/** Deterministic uniform values in [-1, 1) (xorshift32). */
function uniform(n, seed) {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** C = A @ B in float64 with plain loops (A m x k, B k x n, row-major). */
function naiveMatmul(A, B, m, k, n) {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      for (let j = 0; j < n; j++) C[i * n + j] += a * B[p * n + j];
    }
  return C;
}

/** Largest |got - want| / (|want| + floor) over all elements. */
function maxRelErr(got, want, floor = 1) {
  if (got.length !== want.length) return Infinity;
  let e = 0;
  for (let i = 0; i < want.length; i++) e = Math.max(e, Math.abs(got[i] - want[i]) / (Math.abs(want[i]) + floor));
  return e;
}

function sameBits(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const typed = (t) => t.toTypedArray();

/**
 * Runs every check. `ctx.isolated`: the page is expected to be cross-origin isolated (threads
 * available); `ctx.compileLog`: the WebAssembly.Module constructions seen so far, as
 * { bytes, ok } (recorded by the page before the library was imported).
 */
export async function runSuite(ctx) {
  const results = [];
  const check = async (name, fn) => {
    try {
      const r = await fn();
      results.push({ name, ok: r === true || (r && r.ok === true), detail: r === true ? "" : String(r && r.detail !== undefined ? r.detail : r) });
    } catch (e) {
      results.push({ name, ok: false, detail: `threw ${e && e.stack ? e.stack : e}` });
    }
  };

  await check("no Node globals are needed", () => ({ ok: typeof process === "undefined" && typeof require === "undefined", detail: typeof process }));

  await check("WebAssembly SIMD is detected and the GEMM modules compile", () => ({
    ok: wasmAvailable() && gemmDriver("f32") !== null && gemmDriver("f64") !== null,
    detail: `wasmAvailable ${wasmAvailable()}`,
  }));

  await check("grad of a float64 function matches its closed form", () => {
    const xs = [-2.5, -0.3, 0, 0.7, 3.1];
    const g = cr.grad((x) => np.sum(np.multiply(np.sin(x), np.multiply(x, x))));
    const got = typed(g(np.array(xs)));
    const want = xs.map((x) => Math.cos(x) * x * x + 2 * x * Math.sin(x));
    return { ok: got instanceof Float64Array && maxRelErr(got, want) < 1e-14, detail: `${Array.from(got)}` };
  });

  await check("hessian of the Rosenbrock function (n = 6) matches the closed form", () => {
    const x = Array.from(uniform(6, 6));
    const f = (v) => {
      const a = v.get("1:"), b = v.get(":-1");
      return np.sum(np.add(np.multiply(100, np.square(np.subtract(a, np.square(b)))), np.square(np.subtract(1, b))));
    };
    const H = typed(cr.hessian(f)(np.array(x)));
    const n = x.length, want = new Float64Array(n * n);
    for (let i = 0; i < n - 1; i++) {
      want[i * n + i] += 1200 * x[i] * x[i] - 400 * x[i + 1] + 2;
      want[(i + 1) * n + i + 1] += 200;
      want[i * n + i + 1] += -400 * x[i];
      want[(i + 1) * n + i] += -400 * x[i];
    }
    return { ok: maxRelErr(H, want) < 1e-12, detail: `max rel err ${maxRelErr(H, want)}` };
  });

  for (const dtype of ["float32", "float64"]) {
    const [m, k, n] = [67, 301, 45];
    const A = uniform(m * k, 11), B = uniform(k * n, 12);
    // Inputs rounded to the dtype first, so the naive float64 product is the exact reference.
    const Ad = dtype === "float32" ? Float64Array.from(Float32Array.from(A)) : A;
    const Bd = dtype === "float32" ? Float64Array.from(Float32Array.from(B)) : B;
    const want = naiveMatmul(Ad, Bd, m, k, n);
    const tol = dtype === "float32" ? 2e-5 : 1e-13;
    for (const wasm of [true, false]) {
      await check(`matmul ${dtype} ${m}x${k}x${n} on the ${wasm ? "Wasm" : "JS"} kernels`, () => {
        setWasmEnabled(wasm);
        try {
          const C = np.matmul(np.array(A, dtype).reshape([m, k]), np.array(B, dtype).reshape([k, n]));
          const e = maxRelErr(typed(C), want);
          return { ok: C.dtype === dtype && e < tol, detail: `max rel err ${e}` };
        } finally {
          setWasmEnabled(true);
        }
      });
    }
  }

  await check("2x2 max pooling runs in Wasm and equals a direct maximum bitwise", () => {
    const [planes, H, W] = [3, 8, 10];
    const X = Float32Array.from(uniform(planes * H * W, 21));
    const OH = H / 2, OW = W / 2;
    const out = new Float32Array(planes * OH * OW), idx = new Int32Array(planes * OH * OW);
    const ran = maxPool2x2Wasm(X, 0, planes, H, W, OH, OW, out, idx);
    const want = new Float32Array(planes * OH * OW);
    for (let p = 0; p < planes; p++)
      for (let i = 0; i < OH; i++)
        for (let j = 0; j < OW; j++) {
          const b = p * H * W + 2 * i * W + 2 * j;
          want[(p * OH + i) * OW + j] = Math.max(X[b], X[b + 1], X[b + W], X[b + W + 1]);
        }
    return { ok: ran === true && sameBits(out, want), detail: `ran in Wasm: ${ran}` };
  });

  await check("a CNN step's loss and gradients agree between the Wasm and JS kernels (float32)", () => {
    const x = np.array(uniform(2 * 1 * 12 * 12, 31), "float32").reshape([2, 1, 12, 12]);
    const w0 = np.array(uniform(4 * 9, 32), "float32").reshape([4, 1, 3, 3]);
    const w1 = np.array(uniform(4 * 5 * 5 * 10, 33), "float32").reshape([100, 10]);
    const loss = ([w, v]) => {
      const h = cr.nn.functional.maxPool2d(cr.nn.functional.relu(cr.nn.functional.conv2d(x, w, null, { padding: 0 })), 2);
      return np.sum(np.square(np.matmul(h.reshape([2, 100]), v)));
    };
    const run = (wasm) => {
      setWasmEnabled(wasm);
      try {
        const [l, [gw, gv]] = cr.valueAndGrad(loss)([w0, w1]);
        return [l.item(), typed(gw), typed(gv)];
      } finally {
        setWasmEnabled(true);
      }
    };
    const [la, gwa, gva] = run(true), [lb, gwb, gvb] = run(false);
    const e = Math.max(Math.abs(la - lb) / Math.abs(lb), maxRelErr(gwa, gwb), maxRelErr(gva, gvb));
    return { ok: Number.isFinite(la) && la > 0 && e < 1e-5 && gwa.length === 36 && gva.length === 1000, detail: `loss ${la} vs ${lb}, max rel diff ${e}` };
  });

  await check("float32 exp over 8192 elements (Wasm path) within 1 ulp of Math.exp", () => {
    const xs = Float32Array.from(uniform(8192, 41), (v) => v * 20);
    const got = typed(np.exp(np.array(xs, "float32")));
    let worst = 0;
    for (let i = 0; i < xs.length; i++) {
      const want = Math.exp(xs[i]);
      const ulp = Math.abs(Math.fround(want * (1 + 2 ** -23)) - Math.fround(want)) || 2 ** -149;
      worst = Math.max(worst, Math.abs(got[i] - want) / ulp);
    }
    return { ok: worst <= 1, detail: `worst ${worst} ulp` };
  });

  await check("eager float32 arithmetic on 8192 elements (Wasm path) is bitwise the correctly rounded result", () => {
    const a = Float32Array.from(uniform(8192, 42), (v) => v * 1e3), b = Float32Array.from(uniform(8192, 43));
    const row = Float32Array.from(uniform(64, 44));
    const A = np.array(a, "float32"), B = np.array(b, "float32");
    const before = elementwiseWasmCalls();
    const got = [
      typed(np.multiply(A, B)), typed(np.subtract(0.1, A)), typed(np.divide(A.reshape([128, 64]), np.array(row, "float32"))), typed(np.maximum(A, B)),
    ];
    const R = Math.fround, c = R(0.1);
    const want = [
      Float32Array.from(a, (v, i) => R(v * b[i])), Float32Array.from(a, (v) => R(c - v)), Float32Array.from(a, (v, i) => R(v / row[i % 64])),
      Float32Array.from(a, (v, i) => (v > b[i] ? v : b[i])),
    ];
    const same = got.map((g, i) => sameBits(g, want[i]));
    const viaWasm = elementwiseWasmCalls() - before;
    return { ok: same.every(Boolean) && viaWasm === 4, detail: `bitwise per op: ${same}; ${viaWasm} of 4 through Wasm` };
  });

  await check("summing 1e6 float32 copies of 0.1 stays within 1e-6 relative", () => {
    const s = np.sum(np.full([1e6], 0.1, "float32")).item();
    const want = 1e6 * Math.fround(0.1);
    return { ok: Math.abs(s - want) / want < 1e-6, detail: `${s}` };
  });

  await check("jit of W2's value and gradient equals eager (fused kernel)", () => {
    const x = np.array(Float32Array.from(uniform(200_000, 2)), "float32");
    const f = (v) => {
      const vv = np.multiply(v, v);
      return np.sum(np.add(np.multiply(np.tanh(v), np.exp(np.negative(vv))), np.log1p(vv)));
    };
    const [v0, g0] = cr.valueAndGrad(f)(x);
    const j = cr.jit(cr.valueAndGrad(f));
    j(x);
    const [v1, g1] = j(x);
    const e = maxRelErr(typed(g1), typed(g0), 1e-3);
    return { ok: Math.abs(v1.item() - v0.item()) / Math.abs(v0.item()) < 1e-5 && e < 1e-6, detail: `value ${v1.item()} vs ${v0.item()}, gradient max rel diff ${e}` };
  });

  // Chrome refused synchronous compilation of modules over 4 KB on a page's main thread for years
  // (later 8 MB; Chromium 150 here takes the 54 KB one below). The engine's refusal is emulated
  // for modules over 4 KB, so the fallback to the JS compiler is exercised whatever this
  // Chromium allows.
  const bigProgram = (v, k) => {
    let y = v;
    for (let i = 0; i < 10; i++) y = np.add(np.tanh(np.multiply(y, k + i / 10)), np.multiply(0.5, np.sin(np.exp(np.multiply(y, 0.3)))));
    return np.sum(np.log1p(np.multiply(y, y)));
  };
  for (const refuse of [false, true]) {
    await check(`a large fused program (tens of KB of Wasm) gives eager's values${refuse ? ", its module refused" : ""}`, () => {
      const x = np.array(Float32Array.from(uniform(50_000, refuse ? 4 : 3), (v) => v * 0.5), "float32");
      const f = (v) => bigProgram(v, refuse ? 2 : 1); // a program of its own: compiled afresh
      const before = ctx.compileLog.length;
      const [v0, g0] = cr.valueAndGrad(f)(x);
      globalThis.__refuseWasmAbove = refuse ? 4096 : undefined;
      let v1, g1;
      try {
        [v1, g1] = cr.jit(cr.valueAndGrad(f))(x);
      } finally {
        globalThis.__refuseWasmAbove = undefined;
      }
      const seen = ctx.compileLog.slice(before);
      const biggest = Math.max(0, ...seen.map((s) => s.bytes));
      const refused = seen.filter((s) => !s.ok).length;
      const e = maxRelErr(typed(g1), typed(g0), 1e-3);
      return {
        ok: biggest > 4096 && (refuse ? refused > 0 : refused === 0) && Math.abs(v1.item() - v0.item()) / Math.abs(v0.item()) < 1e-5 && e < 1e-5,
        detail: `gradient max rel diff ${e}; largest module ${biggest} bytes, ${refused} refused`,
      };
    });
  }

  await check("every Wasm module the library built was accepted by the engine", () => {
    const refused = ctx.compileLog.filter((s) => !s.ok && !s.emulated);
    return { ok: refused.length === 0, detail: refused.map((s) => `${s.bytes}: ${s.error}`).join("; ") || "none refused" };
  });

  if (ctx.isolated) {
    await check("threads: enableThreads(2) starts a Web Worker and products stay bitwise equal", async () => {
      if (globalThis.crossOriginIsolated !== true) return { ok: false, detail: "the page is not cross-origin isolated" };
      const [m, k, n] = [256, 384, 320];
      const A32 = np.array(uniform(m * k, 51), "float32").reshape([m, k]), B32 = np.array(uniform(k * n, 52), "float32").reshape([k, n]);
      const A64 = np.array(uniform(m * k, 53)).reshape([m, k]), B64 = np.array(uniform(k * n, 54)).reshape([k, n]);
      const one32 = typed(np.matmul(A32, B32)), one64 = typed(np.matmul(A64, B64));
      const started = await enableThreads(2);
      try {
        const count = threadCount();
        const two32 = typed(np.matmul(A32, B32)), two64 = typed(np.matmul(A64, B64));
        return { ok: started === true && count === 2 && sameBits(one32, two32) && sameBits(one64, two64), detail: `started ${started}, threadCount ${count}, f32 same ${sameBits(one32, two32)}, f64 same ${sameBits(one64, two64)}` };
      } finally {
        await disableThreads();
      }
    });
  } else {
    await check("threads: enableThreads(2) declines without cross-origin isolation", async () => {
      const started = await enableThreads(2);
      const count = threadCount();
      const C = typed(np.matmul(np.ones([64, 64], "float32"), np.ones([64, 64], "float32")));
      return { ok: started === false && count === 1 && C.every((v) => v === 64), detail: `started ${started}, threadCount ${count}` };
    });
  }
  return results;
}
