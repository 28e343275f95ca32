// jax-js's side of W1-W7 on its Wasm device, eager or under jit, written as a jax-js user
// would: grad / valueAndGrad / hessian, nn.relu and nn.logSoftmax, lax.conv and
// lax.reduceWindow, following its move semantics (every argument is consumed: `.ref` keeps an
// array alive for another use). Its arrays are lazy, so each timed call waits with
// blockUntilReady for the results, then disposes them.
import { uniform, scaled, oneHot, timeIt, NotAvailable } from "./data.mjs";

let jax, np;
let mode;

export async function create(variant) {
  // jax-js names Float16Array (a Node 22+ global) in its array constructor; Node 20 lacks it.
  // No workload here uses float16: a stand-in class that nothing is an instance of suffices.
  if (typeof globalThis.Float16Array === "undefined") {
    globalThis.Float16Array = class Float16Array {
      constructor() {
        throw new Error("float16 is not available on this Node version");
      }
    };
  }
  jax = await import("@jax-js/jax");
  np = jax.numpy;
  mode = variant;
  // webgpu/webgl need a browser; Node has no global Worker, so the Wasm device runs one thread.
  const devices = await jax.init("wasm");
  if (!devices.includes("wasm")) throw new Error("jax-js: the wasm device failed to initialise");
  jax.defaultDevice("wasm");
  return { info: { system: `jaxjs-${variant}`, device: "wasm", threads: typeof Worker === "undefined" ? 1 : "pool" }, workloads };
}

/** jit(f) in the jit variant, f itself in the eager one. */
const maybeJit = (f) => (mode === "jit" ? jax.jit(f) : f);

/** One timed call: run, wait for every output array, dispose them. */
const callAndFree = (f) => async () => {
  const out = await jax.blockUntilReady(f());
  jax.tree.dispose(out);
};

const arr = (data, shape, dtype = np.float32) =>
  np.array(dtype === np.float32 ? Float32Array.from(data) : Float64Array.from(data), { dtype }).reshape(shape);

/** -mean(sum(onehot * logSoftmax(logits), 1)). */
const crossEntropy = (logits, onehot) => onehot.mul(jax.nn.logSoftmax(logits, -1)).sum().mul(-1 / onehot.shape[0]);

/** A training step (params, X, Y) -> [newParams, loss] with plain SGD, jitted or not. */
function sgdStep(loss) {
  const vg = jax.valueAndGrad(loss);
  return maybeJit((params, X, Y) => {
    const [l, g] = vg(jax.tree.ref(params), X, Y);
    return [jax.tree.map((p, gi) => p.sub(gi.mul(0.01)), params, g), l];
  });
}

async function train(params, X, Y, step, pol) {
  const once = async () => {
    const [p, l] = step(params, X.ref, Y.ref);
    params = p;
    await jax.blockUntilReady(params);
    return l;
  };
  const check = (await once()).item();
  const samples = await timeIt(async () => (await once()).dispose(), pol);
  return { samples, check };
}

const workloads = {
  async W1(pol, flags) {
    // Tracing 5,000 scalar ops under jit recurses once per op: it exhausted Node's stack after
    // about a minute here (BENCHMARKS.md saw the same), so it is tried only on request.
    if (mode === "jit" && !flags.jitW1) throw new NotAvailable("jit overflows the stack; --jit-w1 retries");
    const f = (x) => {
      for (let i = 0; i < 1000; i++) {
        const s = np.sin(x.ref).mul(1.0001);
        x = s.add(x.ref.mul(0.01).mul(x));
      }
      return x;
    };
    const g = maybeJit(jax.grad(f));
    const x0 = np.array(0.5, { dtype: np.float64 });
    const check = g(x0.ref).item();
    return { samples: await timeIt(callAndFree(() => g(x0.ref)), pol), scale: 1000 / 5000, check, note: "float64" };
  },

  async W2(pol) {
    const x = arr(uniform(1e6, 2), [1e6]);
    const f = (x) => {
      const xx = x.ref.mul(x.ref);
      return np.tanh(x).mul(np.exp(xx.ref.neg())).add(np.log1p(xx)).sum();
    };
    const vg = maybeJit(jax.valueAndGrad(f));
    const [v, g] = vg(x.ref);
    g.dispose();
    const check = v.item();
    return { samples: await timeIt(callAndFree(() => vg(x.ref)), pol), check };
  },

  async W3(pol) {
    const sizes = [784, 512, 256, 10];
    const params = [];
    for (let k = 0; k < 3; k++) {
      const [fi, fo] = [sizes[k], sizes[k + 1]];
      params.push(arr(scaled(fi * fo, 31 + k, Math.sqrt(fi)), [fi, fo]), np.zeros([fo], { dtype: np.float32 }));
    }
    const X = arr(uniform(128 * 784, 100), [128, 784]);
    const Y = arr(oneHot(128), [128, 10]);
    const loss = ([w1, b1, w2, b2, w3, b3], X, Y) => {
      const h1 = jax.nn.relu(np.matmul(X, w1).add(b1));
      const h2 = jax.nn.relu(np.matmul(h1, w2).add(b2));
      return crossEntropy(np.matmul(h2, w3).add(b3), Y);
    };
    return train(params, X, Y, sgdStep(loss), pol);
  },

  "W4-f32": (pol) => w4(pol, np.float32),
  "W4-f64": (pol) => w4(pol, np.float64),
  "W5-f32": (pol) => w5(pol, np.float32),
  "W5-f64": (pol) => w5(pol, np.float64),

  async W6(pol) {
    const x = arr(uniform(100, 6), [100], np.float64);
    const rosen = (x) => {
      const head = x.ref.slice([0, -1]);
      const t = x.slice([1]).sub(np.square(head.ref));
      return np.square(t).mul(100).add(np.square(np.subtract(1, head))).sum();
    };
    const h = maybeJit(jax.hessian(rosen));
    const check = h(x.ref).sum().item();
    return { samples: await timeIt(callAndFree(() => h(x.ref)), pol), check };
  },

  async W7(pol) {
    const X = arr(uniform(32 * 784, 70, 0, 1), [32, 1, 28, 28]);
    const Y = arr(oneHot(32), [32, 10]);
    const z = (n) => np.zeros([n], { dtype: np.float32 });
    const params = [
      arr(scaled(144, 71, 3), [16, 1, 3, 3]), z(16),
      arr(scaled(4608, 72, 12), [32, 16, 3, 3]), z(32),
      arr(scaled(8000, 73, Math.sqrt(800)), [800, 10]), z(10),
    ];
    const pool = (h) => jax.lax.reduceWindow(h, (w) => np.max(w), [2, 2], [2, 2]);
    const layer = (h, w, b) => pool(jax.nn.relu(jax.lax.conv(h, w, [1, 1], "VALID").add(b.reshape([1, -1, 1, 1]))));
    const loss = ([c1, cb1, c2, cb2, w, b], X, Y) => {
      const h = layer(layer(X, c1, cb1), c2, cb2);
      return crossEntropy(np.matmul(h.reshape([32, 800]), w).add(b), Y);
    };
    return train(params, X, Y, sgdStep(loss), pol);
  },
};

async function w4(pol, dtype) {
  const A = arr(uniform(512 * 512, 41), [512, 512], dtype);
  const B = arr(uniform(512 * 512, 42), [512, 512], dtype);
  const g = maybeJit(jax.grad((a, b) => np.matmul(a, b).sum(), { argnums: [0, 1] }));
  const [gA, gB] = g(A.ref, B.ref);
  const check = gA.sum().item() + gB.sum().item();
  return { samples: await timeIt(callAndFree(() => g(A.ref, B.ref)), pol), check };
}

async function w5(pol, dtype) {
  const A = arr(uniform(1024 * 1024, 41), [1024, 1024], dtype);
  const B = arr(uniform(1024 * 1024, 42), [1024, 1024], dtype);
  const mm = maybeJit((a, b) => np.matmul(a, b));
  const check = mm(A.ref, B.ref).sum().item();
  return { samples: await timeIt(callAndFree(() => mm(A.ref, B.ref)), pol), check };
}
