// A synchronous training loop must not keep every step's activations alive. WeakRefs made
// during a job keep their targets until the job ends, and a loop like the one below is a single
// job: the column cache and the max-pool gradient record used to hold one per step (hundreds of
// MB over a few hundred steps of a small CNN). Each step here makes ~1.6 MB of inputs and
// activations; if they were all retained the loop would end holding over 300 MB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, Tensor } from "../../src/index.js";
import { rand } from "../helpers/data.js";

const F = nn.functional;

test("conv -> relu -> maxPool gradients in a synchronous loop keep memory bounded", () => {
  const w = rand([2, 4, 3, 3], 1);
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  for (let step = 0; step < 200; step++) {
    // A fresh input each step (1 MB of float64), as a training loop over batches has.
    const x = np.add(np.zeros([4, 4, 64, 64]), step);
    const g = grad((wt: Tensor) => np.sum(F.maxPool2d(F.relu(F.conv2d(x, wt)), 2)))(w) as Tensor;
    assert.deepEqual(g.shape, [2, 4, 3, 3]);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
  }
  // Garbage not yet collected can linger, but nowhere near 200 steps' worth.
  assert.ok(peak < 150e6, `array buffers grew by ${(peak / 1e6).toFixed(0)} MB`);
});
