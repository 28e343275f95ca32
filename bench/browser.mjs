// Matrix products (W5: 1024 x 1024, float32 and float64) in headless Chromium on a cross-origin
// isolated page's main thread: one thread, then with chainrule/threads' Web Workers (2 threads).
// Run: npm run build && node bench/browser.mjs [reps]   (needs Chromium: scripts/browser-harness.mjs)
import { launch, serve } from "../scripts/browser-harness.mjs";

const reps = Number(process.argv[2] ?? 15);
const { browser, version } = await launch("bench/browser");
const { server, origin } = await serve(true);
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/bench/browser/index.html`);
  const rows = await page.evaluate(async (reps) => {
    const { np } = await import("/dist/index.js");
    const threads = await import("/dist/kernels/threads/web.js");
    const uniform = (n, seed) => Float64Array.from({ length: n }, (_, i) => ((Math.imul(i + 7919 * seed, 2654435761) >>> 0) / 2 ** 31) - 1);
    const n = 1024, flop = 2 * n ** 3, out = [];
    for (const t of [1, 2]) {
      const started = t === 1 ? true : await threads.enableThreads(t);
      for (const dtype of ["float32", "float64"]) {
        const A = np.array(uniform(n * n, 51), dtype).reshape([n, n]), B = np.array(uniform(n * n, 52), dtype).reshape([n, n]);
        np.matmul(A, B);
        const times = [];
        for (let r = 0; r < reps; r++) {
          const t0 = performance.now();
          np.matmul(A, B);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        const med = times[times.length >> 1];
        out.push({ threads: t, started, dtype, ms: med, gflops: flop / med / 1e6, count: threads.threadCount() });
      }
    }
    await threads.disableThreads();
    return out;
  }, reps);
  console.log(`Chromium ${version}, cross-origin isolated page, main thread; medians of ${reps}`);
  for (const r of rows) console.log(`W5 ${r.dtype} ${r.threads}T${r.started ? "" : " (threads did not start)"}: ${r.ms.toFixed(1)} ms, ${r.gflops.toFixed(1)} GFLOP/s`);
  for (const dtype of ["float32", "float64"]) {
    const [a, b] = [1, 2].map((t) => rows.find((r) => r.dtype === dtype && r.threads === t).ms);
    console.log(`${dtype}: 2 threads ${(a / b).toFixed(2)}x one`);
  }
} finally {
  await browser.close();
  server.close();
}
