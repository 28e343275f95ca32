import { register } from "node:module";
register("./hook.mjs", import.meta.url);
const tf = await import("@tensorflow/tfjs-core");
await import("@tensorflow/tfjs-backend-cpu");
const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
await import("@tensorflow/tfjs-core/dist/register_all_gradients.js");
import { createRequire } from "node:module";
import path from "node:path";
const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")) + "/dist/";
setWasmPaths(dir);
for (const b of ["cpu", "wasm"]) {
  const ok = await tf.setBackend(b);
  await tf.ready();
  console.log(b, ok, tf.getBackend(), await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT"), await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT"));
  const g = tf.grad((x) => tf.sum(tf.sin(x)));
  console.log(g(tf.tensor1d([1, 2, 3])).dataSync());
  const m = tf.grads((a, b) => tf.sum(tf.matMul(a, b)));
  const A = tf.randomUniform([256,256]); const B = tf.randomUniform([256,256]);
  for (let i=0;i<3;i++){ const t0=performance.now(); const [ga,gb]=m([A,B]); ga.dataSync(); console.log("mm grad ms", performance.now()-t0); ga.dispose(); gb.dispose(); }
  console.log(tf.memory().numTensors);
}
