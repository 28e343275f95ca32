// Run by w1.test.ts in a child process with --expose-gc: prints heap figures as JSON.
import { np, grad, Tensor } from "../../src/index.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

function w1(x0: Tensor): Tensor {
  let x = x0;
  for (let i = 0; i < 100_000; i++) x = np.add(np.multiply(np.sin(x), 1.0001), np.multiply(np.multiply(0.01, x), x));
  return x;
}

const g = grad(w1);
g(0.5);
const base = heap();
for (let r = 0; r < 3; r++) g(0.5);
const afterGrad = heap();

// An imperative training loop: the heap after 100,000 steps is the heap after 10,000.
let w = np.array([0.5, -0.25]).requiresGrad_();
const target = np.array([1, 2]);
let atTenThousand = 0;
for (let i = 1; i <= 100_000; i++) {
  const d = np.subtract(np.sin(w), target);
  np.sum(np.multiply(d, d)).backward();
  const gr = w.grad!;
  w = np.subtract(w.detach(), np.multiply(1e-3, gr)).requiresGrad_();
  if (i === 10_000) atTenThousand = heap();
}
const atEnd = heap();
console.log(JSON.stringify({ base, afterGrad, atTenThousand, atEnd }));
