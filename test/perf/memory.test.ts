// Memory flatness: users never dispose anything, so a synchronous training loop of 100,000 steps
// must hold the same JS heap and Wasm memory at its end as after 1,000 steps (within 10 %).
// The loop runs in a child process with --expose-gc (memory-child.ts): two 100k-step loops of a
// small MLP, functional, imperative and jit-compiled, take about 20 s on the 2-core dev machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const STEPS = 100_000;

test("a 100,000-step training loop keeps the JS heap and Wasm memory flat", { timeout: 120_000 }, () => {
  const child = fileURLToPath(new URL("./memory-child.ts", import.meta.url));
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", child, String(STEPS)], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, number>;
  const within10 = (a: number, b: number, what: string): void =>
    assert.ok(Math.abs(b - a) <= 0.1 * a, `${what}: ${a} bytes at step 1,000, ${b} at step ${STEPS}`);

  // valueAndGrad + SGD over a pytree.
  within10(m.fnHeap1k, m.fnHeapEnd, "valueAndGrad loop, JS heap");
  // With CHAINRULE_WASM=0 (the suite on the JS kernels) the arena must stay unused instead.
  if (["0", "false", "off"].includes(process.env.CHAINRULE_WASM ?? "")) assert.equal(m.fnWasm1k, 0, "Wasm is off: no arena");
  else assert.ok(m.fnWasm1k > 0, "the matmuls should have used the Wasm GEMM arena");
  within10(m.fnWasm1k, m.fnWasmEnd, "valueAndGrad loop, Wasm memory");
  // requiresGrad + backward + zeroGrad.
  within10(m.impHeap1k, m.impHeapEnd, "imperative loop, JS heap");
  within10(m.impWasm1k, m.impWasmEnd, "imperative loop, Wasm memory");

  // jit(valueAndGrad + SGD): replays with reused internal buffers.
  within10(m.jitHeap1k, m.jitHeapEnd, "jit loop, JS heap");
  within10(m.jitWasm1k, m.jitWasmEnd, "jit loop, Wasm memory");
  assert.equal(m.jitLossFirst, m.fnLossFirst);
  // Fused full sums are compensated where eager sums are pairwise: equal to rounding.
  assert.ok(Math.abs(m.jitLossLast - m.fnLossLast) <= 1e-9 * m.fnLossFirst, `${m.jitLossLast} vs ${m.fnLossLast}`);

  // The loops really trained, and both paths took the same steps (same rules, same order).
  assert.ok(m.fnLossLast < 0.01 * m.fnLossFirst, `loss ${m.fnLossFirst} -> ${m.fnLossLast}`);
  assert.equal(m.impLossFirst, m.fnLossFirst);
  assert.ok(Math.abs(m.impLossLast - m.fnLossLast) <= 1e-12, `${m.impLossLast} vs ${m.fnLossLast}`);
});
