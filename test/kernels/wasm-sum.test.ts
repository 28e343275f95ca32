// The Wasm SIMD run sums of the float32 outer/inner reduction (src/kernels/wasm-sum.ts) against
// the JS kernel (src/ops/reduce-sum-f32.ts), bit for bit, and against that kernel's float64
// arithmetic written out (eight accumulators, tail into the first, its grouping), with runs of
// every length from 8 to 40 (every tail), long runs, and ±0, ±Infinity and NaN among the values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sumOuterInner } from "../../src/ops/reduce-sum-f32.js";
import { sumRunsWasm } from "../../src/kernels/wasm-sum.js";
import { setWasmEnabled, wasmAvailable } from "../../src/kernels/wasm/loader.js";
import { wasmMemoryBytes } from "../../src/kernels/wasm/arena.js";

const skip = !wasmAvailable();
const SPECIALS = [NaN, 0, -0, Infinity, -Infinity, 1e30, -1e30];

function values(n: number, seed: number, special: boolean): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const u = s / 2 ** 32;
    a[i] = special && u < 0.02 ? SPECIALS[(s >>> 7) % SPECIALS.length] : (u - 0.5) * 2 ** ((s >>> 3) % 30 - 15);
  }
  return a;
}

/** The JS kernel's float64 arithmetic for one run, spelled out. */
function runTotal(x: Float32Array, p: number, inner: number): number {
  const s = [0, 0, 0, 0, 0, 0, 0, 0];
  let i = 0;
  for (; i + 8 <= inner; i += 8) for (let k = 0; k < 8; k++) s[k] += x[p + i + k];
  for (; i < inner; i++) s[0] += x[p + i];
  return s[0] + s[1] + (s[2] + s[3]) + (s[4] + s[5] + (s[6] + s[7]));
}

const CASES: [number, number, number][] = [[32, 16, 676], [32, 32, 121], [5, 3, 1000], [64, 8, 8], [3, 700, 9], [2, 1, 3000]];
for (let inner = 8; inner <= 40; inner++) CASES.push([32, 20, inner]);

for (const [outer, mid, inner] of CASES)
  for (const special of [false, true])
    test(`sum runs Wasm = JS, bitwise: ${outer} x ${mid} x ${inner}${special ? ", ±0/±Inf/NaN" : ""}`, { skip }, () => {
      const off = 5, x = values(off + outer * mid * inner, outer * 7 + inner, special);
      const acc = new Float64Array(mid).fill(0.25);
      assert.equal(sumRunsWasm(x, off, outer, mid, inner, acc), true);
      const want = new Float64Array(mid).fill(0.25);
      for (let o = 0; o < outer; o++) for (let m = 0; m < mid; m++) want[m] += runTotal(x, off + (o * mid + m) * inner, inner);
      for (let m = 0; m < mid; m++) assert.ok(Object.is(acc[m], want[m]) || (Number.isNaN(acc[m]) && Number.isNaN(want[m])), `channel ${m}: ${acc[m]} vs ${want[m]}`);
      const js = new Float32Array(mid), wasm = new Float32Array(mid);
      setWasmEnabled(false);
      try {
        sumOuterInner(x, off, outer, mid, inner, js);
      } finally {
        setWasmEnabled(true);
      }
      sumOuterInner(x, off, outer, mid, inner, wasm);
      for (let m = 0; m < mid; m++) assert.ok(Object.is(wasm[m], js[m]) || (Number.isNaN(wasm[m]) && Number.isNaN(js[m])), `channel ${m}`);
    });

test("sum runs Wasm: exact on small integers, declines short runs and small sums, memory flat", { skip }, () => {
  const x = Float32Array.from({ length: 4 * 3 * 500 }, (_, i) => (i % 9) - 4);
  const acc = new Float64Array(3);
  assert.equal(sumRunsWasm(x, 0, 4, 3, 500, acc), true);
  const want = [0, 0, 0];
  for (let i = 0; i < x.length; i++) want[Math.floor(i / 500) % 3] += x[i];
  assert.deepEqual(Array.from(acc), want);
  assert.equal(sumRunsWasm(x, 0, 100, 3, 7, new Float64Array(3)), false);
  assert.equal(sumRunsWasm(x, 0, 2, 2, 100, new Float64Array(2)), false);
  const big = values(64 * 64 * 1024, 3, false), a = new Float64Array(64);
  sumRunsWasm(big, 0, 64, 64, 1024, a);
  const after = wasmMemoryBytes();
  for (let r = 0; r < 3; r++) sumRunsWasm(big, 0, 64, 64, 1024, a);
  assert.equal(wasmMemoryBytes(), after);
  assert.ok(after <= 4 * 1024 * 1024, `${after} bytes`);
});
