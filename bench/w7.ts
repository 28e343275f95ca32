// W7 of BENCHMARKS.md, chainrule only, from src/ (no build): one forward + backward + SGD step of
// a small CNN (conv3x3 1->16, relu, maxpool 2, conv3x3 16->32, relu, maxpool 2, dense 800->10,
// cross-entropy), NCHW, batch 32, float32.
// Run: node --expose-gc --import tsx bench/w7.ts [reps] [--ops]
import { np, nn, valueAndGrad, Tensor } from "../src/index.js";
import { scaled, uniform } from "./data.js";
import { opTimer, timeSteps } from "./op-times.js";

const ops = opTimer(process.argv.includes("--ops"));

const F = nn.functional;


const B = 32;
const x = np.array(uniform(B * 784, 70, 0, 1), "float32").reshape([B, 1, 28, 28]);
const labels = np.array(Int32Array.from({ length: B }, (_, i) => (i * 7 + 3) % 10), "int32");
type Params = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor; w3: Tensor; b3: Tensor };
let params: Params = {
  w1: np.array(scaled(uniform(144, 71), 3), "float32").reshape([16, 1, 3, 3]),
  b1: np.zeros([16], "float32"),
  w2: np.array(scaled(uniform(4608, 72), 12), "float32").reshape([32, 16, 3, 3]),
  b2: np.zeros([32], "float32"),
  w3: np.array(scaled(uniform(8000, 73), Math.sqrt(800)), "float32").reshape([10, 800]),
  b3: np.zeros([10], "float32"),
};

function loss(p: Params): Tensor {
  let h = F.maxPool2d(F.relu(F.conv2d(x, p.w1, p.b1)), 2);
  h = F.maxPool2d(F.relu(F.conv2d(h, p.w2, p.b2)), 2);
  const logits = F.linear(h.reshape([B, 800]), p.w3, p.b3);
  return F.crossEntropy(logits, labels);
}
const vg = valueAndGrad(loss);
const lr = 0.01;
function step(): number {
  const [v, g] = vg(params) as unknown as [Tensor, Params];
  const next = {} as Params;
  for (const k of Object.keys(params) as (keyof Params)[]) next[k] = np.subtract(params[k], np.multiply(g[k], lr));
  params = next;
  return v.item();
}

const reps = Number(process.argv[2] ?? 50);
const { first, last, times: t, gc } = timeSteps(step, reps, ops);
ops.report(reps, 40);
console.log(
  `W7 float32: median ${t[t.length >> 1].toFixed(2)} ms/step, min ${t[0].toFixed(2)}, max ${t[t.length - 1].toFixed(2)} ` +
    `(${reps} reps${gc ? ", gc before each" : ""}); loss ${first.toFixed(4)} at step 1, ${last.toFixed(4)} now, dtype ${params.w1.dtype}`,
);
