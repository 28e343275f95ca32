// chainrule's side of W1-W7, on the built package (dist/), plus chainrule-only micro-benchmarks
// of the eager path (formerly bench/eager.ts). A function missing from the build (families are
// still being written) turns its workload into "n/a" with the name of what is missing.
import { uniform, scaled, oneHot, timeIt, NotAvailable } from "./data.mjs";

let cr;
let mode = "eager";
/** jit(f) in the jit variant, f itself in the eager one. */
const J = (f) => (mode === "jit" ? cr.jit(f) : f);

/** Fails with NotAvailable unless every dotted path (e.g. "np.tanh") is a function in dist/. */
function need(...paths) {
  for (const p of paths) {
    let v = cr;
    for (const k of p.split(".")) v = v == null ? undefined : v[k];
    if (typeof v !== "function") throw new NotAvailable(`${p} missing`);
  }
}

export async function create(variant = "eager") {
  cr = await import("../../dist/index.js");
  mode = variant === "eager" ? "eager" : "jit";
  if (mode === "jit" && typeof cr.jit !== "function") throw new NotAvailable("jit missing");
  let system = mode === "jit" ? "chainrule jit" : "chainrule";
  if (variant === "jit-2t") {
    // The two-thread targets: products split over the caller and one worker.
    const threads = await import("../../dist/node/threads.js");
    await threads.enableThreads(2);
    system = "chainrule jit, 2 threads";
  }
  return { info: { system, version: "dist/ (this tree)", dtypeNote: "float64 default" }, workloads, extras: mode === "jit" ? undefined : extras };
}

const f32 = (a) => Float32Array.from(a);

/** x = sin(x) * 1.0001 + 0.01 * x * x, `steps` times: 5 primitive ops per step. */
function w1Fn(steps) {
  const { np } = cr;
  return (x) => {
    for (let i = 0; i < steps; i++) x = np.add(np.multiply(np.sin(x), 1.0001), np.multiply(np.multiply(0.01, x), x));
    return x;
  };
}

/** -mean(sum(onehot * log_softmax(logits), 1)), the log-softmax through a max-shifted logsumexp. */
function crossEntropy(logits, onehot) {
  const { np, stopGradient } = cr;
  const m = stopGradient(np.max(logits, { axis: 1, keepdims: true }));
  const z = np.subtract(logits, m);
  const logp = np.subtract(z, np.log(np.sum(np.exp(z), { axis: 1, keepdims: true })));
  return np.negative(np.mean(np.sum(np.multiply(onehot, logp), { axis: 1 })));
}

/** nn.functional.relu where it exists (the peers use their relu too), else maximum(x, 0). */
function reluFn() {
  const F = cr.nn?.functional;
  return typeof F?.relu === "function" ? (x) => F.relu(x) : (x) => cr.np.maximum(x, 0);
}

const sgd = (params, grads, lr) => params.map((p, i) => cr.np.subtract(p, cr.np.multiply(lr, grads[i])));

/** One step: value and gradient of `loss`, then SGD (lr 0.01); the whole step jitted in the jit variant. */
function trainStep(loss, get, set) {
  const vg = cr.valueAndGrad(loss);
  const step = J((params) => {
    const [l, g] = vg(params);
    return [l, sgd(params, g, 0.01)];
  });
  return () => {
    const [l, next] = step(get());
    set(next);
    return l;
  };
}

const workloads = {
  async W1(pol) {
    need("grad", "np.sin", "np.add", "np.multiply");
    const g = J(cr.grad(w1Fn(1000)));
    // jit treats JS numbers as static (the whole result would be a constant): give it a tensor.
    const x0 = mode === "jit" ? cr.np.array(0.5) : 0.5;
    const check = Number(mode === "jit" ? g(x0).item() : g(x0));
    return { samples: await timeIt(() => g(x0), pol), scale: 1000 / 5000, check, note: "float64" };
  },

  async W2(pol) {
    need("valueAndGrad", "np.tanh", "np.exp", "np.log1p", "np.sum", "np.negative");
    const { np } = cr;
    const x = np.array(f32(uniform(1e6, 2)), "float32");
    const f = (x) => {
      const xx = np.multiply(x, x);
      return np.sum(np.add(np.multiply(np.tanh(x), np.exp(np.negative(xx))), np.log1p(xx)));
    };
    const vg = J(cr.valueAndGrad(f));
    const [v, g] = vg(x);
    if (g.dtype !== "float32") throw new Error(`gradient dtype ${g.dtype}, expected float32`);
    return { samples: await timeIt(() => vg(x), pol), check: v.item() };
  },

  async W3(pol) {
    need("valueAndGrad", "stopGradient", "np.matmul", "np.maximum", "np.max", "np.log", "np.exp", "np.mean");
    const { np } = cr;
    const sizes = [784, 512, 256, 10];
    let params = [];
    for (let k = 0; k < 3; k++) {
      const [fi, fo] = [sizes[k], sizes[k + 1]];
      params.push(np.array(f32(scaled(fi * fo, 31 + k, Math.sqrt(fi))), "float32").reshape([fi, fo]));
      params.push(np.zeros([fo], "float32"));
    }
    const X = np.array(f32(uniform(128 * 784, 100)), "float32").reshape([128, 784]);
    const Y = np.array(f32(oneHot(128)), "float32").reshape([128, 10]);
    const relu = reluFn();
    const loss = ([w1, b1, w2, b2, w3, b3]) => {
      const h1 = relu(np.add(np.matmul(X, w1), b1));
      const h2 = relu(np.add(np.matmul(h1, w2), b2));
      return crossEntropy(np.add(np.matmul(h2, w3), b3), Y);
    };
    const step = trainStep(loss, () => params, (p) => (params = p));
    const check = step().item();
    return { samples: await timeIt(step, pol), check };
  },

  "W4-f32": (pol) => w4(pol, "float32"),
  "W4-f64": (pol) => w4(pol, "float64"),
  "W5-f32": (pol) => w5(pol, "float32"),
  "W5-f64": (pol) => w5(pol, "float64"),

  async W6(pol) {
    need("hessian", "np.square", "np.sum");
    const { np } = cr;
    const x = np.array(uniform(100, 6));
    const rosen = (x) => {
      const head = x.get(":-1");
      const t = np.subtract(x.get("1:"), np.square(head));
      return np.sum(np.add(np.multiply(100, np.square(t)), np.square(np.subtract(1, head))));
    };
    const h = J(cr.hessian(rosen));
    const H = h(x);
    return { samples: await timeIt(() => h(x), pol), check: np.sum(H).item() };
  },

  async W7(pol) {
    const F = cr.nn?.functional;
    if (typeof F?.conv2d !== "function") throw new NotAvailable("conv2d pending");
    const { np } = cr;
    const arr = (a, shape) => np.array(f32(a), "float32").reshape(shape);
    const X = arr(uniform(32 * 784, 70, 0, 1), [32, 1, 28, 28]);
    const Y = arr(oneHot(32), [32, 10]);
    let params = [
      arr(scaled(144, 71, 3), [16, 1, 3, 3]), np.zeros([16], "float32"),
      arr(scaled(4608, 72, 12), [32, 16, 3, 3]), np.zeros([32], "float32"),
      arr(scaled(8000, 73, Math.sqrt(800)), [800, 10]), np.zeros([10], "float32"),
    ];
    const pool = typeof F.maxPool2d === "function" ? (x) => F.maxPool2d(x, 2) : maxPool2x2;
    const relu = reluFn();
    const loss = ([c1, cb1, c2, cb2, w, b]) => {
      let h = pool(relu(F.conv2d(X, c1, cb1)));
      h = pool(relu(F.conv2d(h, c2, cb2)));
      return crossEntropy(np.add(np.matmul(h.reshape([32, 800]), w), b), Y);
    };
    const step = trainStep(loss, () => params, (p) => (params = p));
    const check = step().item();
    return { samples: await timeIt(step, pol), check, note: typeof F.maxPool2d === "function" ? undefined : "pool via reshape+max" };
  },
};

/** 2x2 max pooling with stride 2 (floor), as a reshape and a max over the window axes. */
function maxPool2x2(x) {
  const [n, c, h, w] = x.shape;
  const [oh, ow] = [h >> 1, w >> 1];
  const cut = h === 2 * oh && w === 2 * ow ? x : x.get(":", ":", `:${2 * oh}`, `:${2 * ow}`);
  return cr.np.max(cut.reshape([n, c, oh, 2, ow, 2]), { axis: [3, 5] });
}

async function w4(pol, dtype) {
  need("grad", "np.matmul", "np.sum");
  const { np } = cr;
  const conv = dtype === "float32" ? f32 : (a) => a;
  const A = np.array(conv(uniform(512 * 512, 41)), dtype).reshape([512, 512]);
  const B = np.array(conv(uniform(512 * 512, 42)), dtype).reshape([512, 512]);
  const g = J(cr.grad((a, b) => np.sum(np.matmul(a, b)), [0, 1]));
  const [gA, gB] = g(A, B);
  if (gA.dtype !== dtype) throw new Error(`gradient dtype ${gA.dtype}, expected ${dtype}`);
  return { samples: await timeIt(() => g(A, B), pol), check: np.sum(gA).item() + np.sum(gB).item() };
}

async function w5(pol, dtype) {
  need("np.matmul");
  const { np } = cr;
  const conv = dtype === "float32" ? f32 : (a) => a;
  const A = np.array(conv(uniform(1024 * 1024, 41)), dtype).reshape([1024, 1024]);
  const B = np.array(conv(uniform(1024 * 1024, 42)), dtype).reshape([1024, 1024]);
  const mm = J((a, b) => np.matmul(a, b));
  const C = mm(A, B);
  return { samples: await timeIt(() => mm(A, B), pol), check: np.sum(C).item() };
}

/** Chainrule-only rows: the eager path on tiny inputs, W1 at 100k steps, memory per op. */
async function extras(pol) {
  need("np.add", "np.multiply", "np.sin", "grad", "vjp");
  const { np } = cr;
  const rows = [];
  const a = np.array(0.5), b = np.array(0.25);
  const v = np.array([1, 2, 3, 4]), w = np.array([5, 6, 7, 8]);
  const N = 200_000;
  let sink;
  // One loop per op, written out: a shared loop calling `op()` would make that call site
  // megamorphic and time the dispatch of the harness instead of the op.
  const micro = [
    ["eager 0-d add", () => { for (let i = 0; i < N; i++) sink = np.add(a, b); }],
    ["eager 0-d mul", () => { for (let i = 0; i < N; i++) sink = np.multiply(a, b); }],
    ["eager 0-d sin", () => { for (let i = 0; i < N; i++) sink = np.sin(a); }],
    ["eager 4-element add", () => { for (let i = 0; i < N; i++) sink = np.add(v, w); }],
  ];
  for (const [label, body] of micro) rows.push({ id: label, unit: "ns/op", samples: await timeIt(body, pol), scale: 1e6 / N });
  void sink;
  const g = cr.grad(w1Fn(100_000));
  rows.push({ id: "W1 at 100,000 steps", unit: "µs/op", samples: await timeIt(() => g(0.5), { ...pol, minReps: 3, maxReps: Math.min(pol.maxReps, 7) }), scale: 1000 / 500_000 });
  const gc = globalThis.gc;
  if (gc) {
    const f = w1Fn(100_000);
    gc();
    const before = process.memoryUsage().heapUsed;
    const [, pull] = cr.vjp(f, 0.5);
    gc();
    const after = process.memoryUsage().heapUsed;
    void pull;
    rows.push({ id: "W1 bytes kept per recorded op", unit: "bytes", value: (after - before) / 500_000 });
  }
  return rows;
}
