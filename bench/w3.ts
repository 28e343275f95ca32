// W3 of BENCHMARKS.md, chainrule only, from src/ (no build): one forward + backward + SGD step of
// an MLP 784-512-256-10 (relu, softmax cross-entropy through a max-shifted logsumexp), batch 128,
// float32, written as bench/workloads/chainrule.mjs writes it.
// Run: node --expose-gc --import tsx bench/w3.ts [reps] [--ops] [--jit]
// --jit compiles the whole step (forward, backward and update) with `jit`, as the chainrule-jit
// system of bench/run.mjs does.
import { np, nn, valueAndGrad, stopGradient, jit, Tensor } from "../src/index.js";
import { scaled, uniform } from "./data.js";
import { opTimer, timeSteps } from "./op-times.js";

const ops = opTimer(process.argv.includes("--ops"));


const sizes = [784, 512, 256, 10];
let params: Tensor[] = [];
for (let k = 0; k < 3; k++) {
  const [fi, fo] = [sizes[k], sizes[k + 1]];
  params.push(np.array(scaled(uniform(fi * fo, 31 + k), Math.sqrt(fi)), "float32").reshape([fi, fo]));
  params.push(np.zeros([fo], "float32"));
}
const X = np.array(uniform(128 * 784, 100), "float32").reshape([128, 784]);
const oh = new Float32Array(1280);
for (let i = 0; i < 128; i++) oh[i * 10 + ((i * 7 + 3) % 10)] = 1;
const Y = np.array(oh, "float32").reshape([128, 10]);
const relu = nn.functional.relu;

function crossEntropy(logits: Tensor, onehot: Tensor): Tensor {
  const m = stopGradient(np.max(logits, { axis: 1, keepdims: true }));
  const z = np.subtract(logits, m);
  const logp = np.subtract(z, np.log(np.sum(np.exp(z), { axis: 1, keepdims: true })));
  return np.negative(np.mean(np.sum(np.multiply(onehot, logp), { axis: 1 })));
}
const loss = ([w1, b1, w2, b2, w3, b3]: Tensor[]): Tensor => {
  const h1 = relu(np.add(np.matmul(X, w1), b1));
  const h2 = relu(np.add(np.matmul(h1, w2), b2));
  return crossEntropy(np.add(np.matmul(h2, w3), b3), Y);
};
const vg = valueAndGrad(loss);
const update = (ps: Tensor[]): [Tensor, Tensor[]] => {
  const [l, g] = vg(ps) as unknown as [Tensor, Tensor[]];
  return [l, ps.map((p, i) => np.subtract(p, np.multiply(0.01, g[i])))];
};
const compiled = process.argv.includes("--jit") ? jit(update) : update;
function step(): number {
  const [l, next] = compiled(params);
  params = next;
  return l.item();
}

const reps = Number(process.argv[2]?.startsWith("--") ? 50 : process.argv[2] ?? 50);
const { first, times: t } = timeSteps(step, reps, ops);
ops.report(reps, 60);
console.log(`W3${compiled === update ? "" : " (jit)"} first loss ${first.toFixed(6)}; median ${t[t.length >> 1].toFixed(2)} ms, min ${t[0].toFixed(2)} ms over ${reps}`);
