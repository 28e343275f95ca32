// Elementwise loops must run optimized with their function inlined, even when many ops take
// turns on large arrays: a loop that falls back to unoptimized code boxes every double it
// touches (16 bytes of garbage per value, several times slower). This happened when the
// per-function loop copies of kernels/elementwise.ts shared V8's cached code for one source text.
// The check: steady-state JS-heap allocation per element of each op stays far below one box (the
// least of a few calls: the first calls after warm-up may still run while the optimizing
// compiler works in the background).
import { test } from "node:test";
import assert from "node:assert/strict";
import v8 from "node:v8";
import vm from "node:vm";
import { np, valueAndGrad, Tensor } from "../../src/index.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const n = 100_000;

/** The least JS-heap growth per element over a few calls of `f`, each after a full GC. */
function leastAllocation(f: () => unknown): number {
  let least = Infinity;
  for (let k = 0; k < 8; k++) {
    gc();
    const h0 = process.memoryUsage().heapUsed;
    f();
    least = Math.min(least, (process.memoryUsage().heapUsed - h0) / n);
  }
  return least;
}
const vals = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.9);

test("a chain of different elementwise ops allocates no per-element garbage", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const x = np.array(vals, dtype);
    const xx = np.multiply(x, x), t = np.tanh(x), ng = np.negative(xx), e = np.exp(ng), p = np.multiply(t, e), l = np.log1p(xx);
    const steps: [string, () => unknown][] = [
      ["multiply", () => np.multiply(x, x)], ["tanh", () => np.tanh(x)], ["negative", () => np.negative(xx)], ["exp", () => np.exp(ng)],
      ["multiply 2", () => np.multiply(t, e)], ["log1p", () => np.log1p(xx)], ["add", () => np.add(p, l)], ["sin", () => np.sin(x)],
      ["subtract scalar", () => np.subtract(1, x)], ["where", () => np.where(np.greater(x, 0), x, t)],
    ];
    for (let k = 0; k < 40; k++) for (const [, f] of steps) f();
    for (const [name, f] of steps) {
      const perElement = leastAllocation(f);
      // A boxed loop costs 16-32 bytes per element; under a loaded machine a background
      // compile can still leave a few bytes, so the bar sits well between the two.
      assert.ok(perElement < 6, `${name} (${dtype}) allocated ${perElement.toFixed(2)} bytes of JS heap per element`);
    }
  }
});

test("W2's valueAndGrad allocates no per-element garbage", () => {
  const x = np.array(vals, "float32");
  const vg = valueAndGrad((u: Tensor) => {
    const uu = np.multiply(u, u);
    return np.sum(np.add(np.multiply(np.tanh(u), np.exp(np.negative(uu))), np.log1p(uu)));
  });
  for (let k = 0; k < 40; k++) vg(x);
  const perElement = leastAllocation(() => vg(x));
  assert.ok(perElement < 8, `valueAndGrad allocated ${perElement.toFixed(2)} bytes of JS heap per element`);
});
