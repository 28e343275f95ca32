// Run by memory.test.ts in a child process with --expose-gc. Trains a small MLP for STEPS
// synchronous steps without ever disposing anything, once through valueAndGrad over a pytree of
// parameters and once through the imperative path (requiresGrad, backward, zeroGrad), and prints
// the JS heap (after full GCs) and the Wasm memory size at step 1,000 and at the last step as JSON.
import { np, valueAndGrad, jit, treeMap, treeFlatten, Tensor } from "../../src/index.js";
import { wasmMemoryBytes } from "../../src/kernels/wasm/arena.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const STEPS = Number(process.argv[2] ?? 100_000);
const MARK = 1_000;

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

// Deterministic data: 16 samples of 4 features, a smooth target; a 4-16-1 tanh MLP. The matmuls
// (16x4 @ 4x16, 16x16 @ 16x1 and their transposes in the backward pass) are big enough to run
// through the Wasm GEMM and its memory arena.
const X = np.reshape(np.sin(np.arange(64)), [16, 4]);
const Y = np.reshape(np.cos(np.arange(16)), [16, 1]);
interface Params {
  w1: Tensor;
  b1: Tensor;
  w2: Tensor;
  b2: Tensor;
}
function init(): Params {
  return {
    w1: np.multiply(np.reshape(np.cos(np.arange(64)), [4, 16]), 0.5),
    b1: np.zeros([16]),
    w2: np.multiply(np.reshape(np.sin(np.arange(16)), [16, 1]), 0.25),
    b2: np.zeros([1]),
  };
}
function loss(p: Params): Tensor {
  const h = np.tanh(np.add(np.matmul(X, p.w1), p.b1));
  const d = np.subtract(np.add(np.matmul(h, p.w2), p.b2), Y);
  return np.mean(np.multiply(d, d));
}

/** One SGD step over the pytree: treeMap walks both trees in the same leaf order. */
function sgd(p: Params, g: Params): Params {
  const gs = treeFlatten(g)[0] as Tensor[];
  return treeMap((w, k) => np.subtract(w, np.multiply(0.05, gs[k])), p) as Params;
}

const out: Record<string, number> = {};

// Functional path: valueAndGrad + SGD on a pytree.
{
  const vg = valueAndGrad(loss);
  let p = init();
  let first = 0;
  let last = 0;
  for (let i = 1; i <= STEPS; i++) {
    const [v, g] = vg(p);
    p = sgd(p, g);
    if (i === 1) first = v.item() as number;
    if (i === STEPS) last = v.item() as number;
    if (i === MARK) {
      out.fnHeap1k = heap();
      out.fnWasm1k = wasmMemoryBytes();
    }
  }
  out.fnHeapEnd = heap();
  out.fnWasmEnd = wasmMemoryBytes();
  out.fnLossFirst = first;
  out.fnLossLast = last;
}

// Imperative path: leaves that require gradients, backward, an in-place-style SGD step.
{
  const p0 = init();
  let ps = [p0.w1, p0.b1, p0.w2, p0.b2].map((t) => t.requiresGrad_());
  let first = 0;
  let last = 0;
  for (let i = 1; i <= STEPS; i++) {
    const l = loss({ w1: ps[0], b1: ps[1], w2: ps[2], b2: ps[3] });
    l.backward();
    if (i === 1) first = l.item() as number;
    if (i === STEPS) last = l.item() as number;
    ps = ps.map((t) => {
      const next = np.subtract(t.detach(), np.multiply(0.05, t.grad!));
      t.zeroGrad();
      return next.requiresGrad_();
    });
    if (i === MARK) {
      out.impHeap1k = heap();
      out.impWasm1k = wasmMemoryBytes();
    }
  }
  out.impHeapEnd = heap();
  out.impWasmEnd = wasmMemoryBytes();
  out.impLossFirst = first;
  out.impLossLast = last;
}

// jit path: the same step compiled (fused elementwise loops with plan-owned buffers).
{
  const vg = valueAndGrad(loss);
  const step = jit((p: Params): [Tensor, Params] => {
    const [v, g] = vg(p);
    return [v, sgd(p, g)];
  });
  let p = init();
  let first = 0;
  let last = 0;
  for (let i = 1; i <= STEPS; i++) {
    const [v, next] = step(p);
    p = next;
    if (i === 1) first = v.item() as number;
    if (i === STEPS) last = v.item() as number;
    if (i === MARK) {
      out.jitHeap1k = heap();
      out.jitWasm1k = wasmMemoryBytes();
    }
  }
  out.jitHeapEnd = heap();
  out.jitWasmEnd = wasmMemoryBytes();
  out.jitLossFirst = first;
  out.jitLossLast = last;
}

console.log(JSON.stringify(out));

