// W1 of BENCHMARKS.md at 100,000 steps: the iterative backward walk has no depth limit, the
// gradient matches a forward derivative worked out by hand, and graph memory is released.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { np, grad, jvp, Tensor } from "../../src/index.js";

const STEPS = 100_000;

function w1(x0: Tensor): Tensor {
  let x = x0;
  for (let i = 0; i < STEPS; i++) x = np.add(np.multiply(np.sin(x), 1.0001), np.multiply(np.multiply(0.01, x), x));
  return x;
}

/** The chain rule by hand: dx_{k+1}/dx_k = 1.0001 cos x_k + 0.02 x_k. */
function w1ByHand(x0: number): [number, number] {
  let x = x0;
  let d = 1;
  for (let i = 0; i < STEPS; i++) {
    d *= 1.0001 * Math.cos(x) + 0.02 * x;
    x = Math.sin(x) * 1.0001 + 0.01 * x * x;
  }
  return [x, d];
}

test("W1 with 100,000 steps: grad matches the hand-computed forward derivative", () => {
  const [xEnd, dWant] = w1ByHand(0.5);
  const g = grad(w1)(0.5);
  assert.equal(typeof g, "number");
  assert.ok(Math.abs(g - dWant) <= 1e-9 * Math.abs(dWant) + 1e-300, `grad ${g}, by hand ${dWant}`);
  const [out, t] = jvp(w1, [0.5], [1]);
  assert.ok(Math.abs((out as Tensor).item() - xEnd) <= 1e-12 * Math.abs(xEnd));
  assert.ok(Math.abs((t as Tensor).item() - dWant) <= 1e-9 * Math.abs(dWant) + 1e-300);
});

test("graph memory is released after grad returns and over a 100,000-step imperative loop", () => {
  const child = fileURLToPath(new URL("./memory-child.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", child], { encoding: "utf8", timeout: 240_000 });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split("\n").pop()!) as { base: number; afterGrad: number; atTenThousand: number; atEnd: number };
  const MB = 1 << 20;
  // A retained 100,000-step graph would hold tens of MB (over 100 bytes per recorded op).
  assert.ok(m.afterGrad - m.base < 4 * MB, `heap grew ${((m.afterGrad - m.base) / MB).toFixed(1)} MB over three grad calls`);
  assert.ok(m.atEnd - m.atTenThousand < 4 * MB, `heap grew ${((m.atEnd - m.atTenThousand) / MB).toFixed(1)} MB from step 10,000 to 100,000`);
});
