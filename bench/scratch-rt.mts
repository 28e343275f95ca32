import { enableThreads } from "../src/node/threads.js";
import { activePool } from "../src/kernels/threads/gemm.js";
await enableThreads(2);
const p = activePool()!;
const z = new Array(20).fill(0);
for (const gap of [0, 100, 1000]) {
  const ts: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    p.run("x", 0, [z, z]);
    ts.push(performance.now() - t0);
    const u = performance.now() + gap / 1000; while (performance.now() < u);
  }
  ts.sort((a, b) => a - b);
  console.log(`gap ${gap}us: median round trip ${(ts[1000] * 1000).toFixed(1)} us, p90 ${(ts[1800] * 1000).toFixed(1)}`);
}
