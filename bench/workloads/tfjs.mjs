// TF.js's side of W1-W7 on its "cpu" (plain JS) or "wasm" (XNNPACK, SIMD) backend, written as a
// TF.js user would: tf.grad / tf.grads / tf.valueAndGrad inside tf.tidy, tf.train.sgd on
// tf.variable for the training steps, the library's own fused softmax cross-entropy. TF.js has
// no float64, so W1 and W6 run in float32 and the float64 rows are n/a.
import { register, createRequire } from "node:module";
import path from "node:path";
import { uniform, scaled, oneHot, timeIt, NotAvailable } from "./data.mjs";

let tf;

export async function create(backend) {
  register("./tfjs-esm-hook.mjs", import.meta.url);
  tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
  // The .wasm binaries come from node_modules, never from a CDN.
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + path.sep);
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialise`);
  await tf.ready();
  // Swallow the cpu backend's one-time "install tfjs-node" banner, printed on its first write.
  const warn = console.warn;
  console.warn = () => {};
  tf.tensor([1]).dispose();
  console.warn = warn;
  const info = { system: `tfjs-${backend}`, version: tf.version_core, backend: tf.getBackend() };
  if (backend === "wasm") {
    info.simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    info.threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  }
  return { info, workloads };
}

const t32 = (data, shape) => tf.tensor(Float32Array.from(data), shape, "float32");

/** Runs `f` in tf.tidy and disposes what it returns: one timed call. */
const tidyCall = (f) => () => tf.dispose(tf.tidy(f));

function crossEntropy(logits, onehot) {
  return tf.losses.softmaxCrossEntropy(onehot, logits);
}

/** One SGD step of `lossOf(vars)` over variables `vars`; returns a function doing one step. */
function trainer(vars, lossOf) {
  const opt = tf.train.sgd(0.01);
  return () => {
    const cost = opt.minimize(() => lossOf(vars), true, vars);
    const v = cost.dataSync()[0];
    cost.dispose();
    return v;
  };
}

const workloads = {
  async W1(pol) {
    const k1 = tf.scalar(1.0001), k2 = tf.scalar(0.01), x0 = tf.scalar(0.5);
    const f = (x) => {
      for (let i = 0; i < 1000; i++) x = tf.add(tf.mul(tf.sin(x), k1), tf.mul(tf.mul(k2, x), x));
      return x;
    };
    const g = tf.grad(f);
    const check = tf.tidy(() => g(x0)).dataSync()[0];
    return { samples: await timeIt(tidyCall(() => g(x0)), pol), scale: 1000 / 5000, check, note: "float32" };
  },

  async W2(pol) {
    const x = t32(uniform(1e6, 2), [1e6]);
    const vg = tf.valueAndGrad((x) => {
      const xx = tf.mul(x, x);
      return tf.sum(tf.add(tf.mul(tf.tanh(x), tf.exp(tf.neg(xx))), tf.log1p(xx)));
    });
    const check = tf.tidy(() => vg(x).value).dataSync()[0];
    return { samples: await timeIt(tidyCall(() => { const { value, grad } = vg(x); return [value, grad]; }), pol), check };
  },

  async W3(pol) {
    const sizes = [784, 512, 256, 10];
    const vars = [];
    for (let k = 0; k < 3; k++) {
      const [fi, fo] = [sizes[k], sizes[k + 1]];
      vars.push(tf.variable(t32(scaled(fi * fo, 31 + k, Math.sqrt(fi)), [fi, fo])));
      vars.push(tf.variable(tf.zeros([fo], "float32")));
    }
    const X = t32(uniform(128 * 784, 100), [128, 784]);
    const Y = t32(oneHot(128), [128, 10]);
    const step = trainer(vars, ([w1, b1, w2, b2, w3, b3]) => {
      const h1 = tf.relu(tf.add(tf.matMul(X, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      return crossEntropy(tf.add(tf.matMul(h2, w3), b3), Y);
    });
    const check = step();
    return { samples: await timeIt(step, pol), check };
  },

  "W4-f32": async (pol) => {
    const A = t32(uniform(512 * 512, 41), [512, 512]);
    const B = t32(uniform(512 * 512, 42), [512, 512]);
    const g = tf.grads((a, b) => tf.sum(tf.matMul(a, b)));
    const check = tf.tidy(() => g([A, B]).reduce((s, t) => s + tf.sum(t).dataSync()[0], 0));
    return { samples: await timeIt(tidyCall(() => g([A, B])), pol), check };
  },
  "W4-f64": () => { throw new NotAvailable("no float64"); },

  "W5-f32": async (pol) => {
    const A = t32(uniform(1024 * 1024, 41), [1024, 1024]);
    const B = t32(uniform(1024 * 1024, 42), [1024, 1024]);
    const check = tf.tidy(() => tf.sum(tf.matMul(A, B)).dataSync()[0]);
    return { samples: await timeIt(tidyCall(() => tf.matMul(A, B)), pol), check };
  },
  "W5-f64": () => { throw new NotAvailable("no float64"); },

  // TF.js has no hessian: one second backward pass per row, H[i] = grad(x -> grad(f)(x)[i]).
  async W6(pol) {
    const n = 100;
    const x = t32(uniform(n, 6), [n]);
    const rosen = (x) => {
      const head = tf.slice(x, 0, n - 1);
      const t = tf.sub(tf.slice(x, 1, n - 1), tf.square(head));
      return tf.sum(tf.add(tf.mul(100, tf.square(t)), tf.square(tf.sub(1, head))));
    };
    const gf = tf.grad(rosen);
    const basis = [];
    for (let i = 0; i < n; i++) {
      const e = new Float32Array(n);
      e[i] = 1;
      basis.push(tf.tensor1d(e, "float32"));
    }
    const rows = basis.map((e) => tf.grad((x) => tf.sum(tf.mul(gf(x), e))));
    const hess = () => tf.stack(rows.map((r) => r(x)));
    const check = tf.tidy(() => tf.sum(hess()).dataSync()[0]);
    return { samples: await timeIt(tidyCall(hess), pol), check, note: "float32, 100 backward passes" };
  },

  async W7(pol) {
    if (!tf.getKernel("Conv2DBackpropFilter", tf.getBackend())) throw new NotAvailable(`no conv filter gradient in ${tf.getBackend()}`);
    // NCHW data and OIHW weights as specified, laid out once, outside the step, in TF.js's native
    // NHWC / HWIO; the step transposes back to NCHW before flattening so the dense layer sees
    // the same feature order as in every other system.
    const X = tf.transpose(t32(uniform(32 * 784, 70, 0, 1), [32, 1, 28, 28]), [0, 2, 3, 1]);
    const Y = t32(oneHot(32), [32, 10]);
    const hwio = (data, shape) => tf.transpose(t32(data, shape), [2, 3, 1, 0]);
    const vars = [
      hwio(scaled(144, 71, 3), [16, 1, 3, 3]), tf.zeros([16]),
      hwio(scaled(4608, 72, 12), [32, 16, 3, 3]), tf.zeros([32]),
      t32(scaled(8000, 73, Math.sqrt(800)), [800, 10]), tf.zeros([10]),
    ].map((t) => tf.variable(t));
    const step = trainer(vars, ([c1, cb1, c2, cb2, w, b]) => {
      let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(X, c1, 1, "valid"), cb1)), 2, 2, "valid");
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2, 1, "valid"), cb2)), 2, 2, "valid");
      const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [32, 800]);
      return crossEntropy(tf.add(tf.matMul(flat, w), b), Y);
    });
    const check = step();
    return { samples: await timeIt(step, pol), check };
  },
};
