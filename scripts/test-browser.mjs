// `npm run test:browser`: runs test/browser/suite.mjs in headless Chromium against dist/, on a
// page's main thread and in a module Web Worker, once on a cross-origin isolated origin (COOP +
// COEP headers: SharedArrayBuffer, so chainrule/threads can start) and once on a plain one.
// Needs a Chromium (scripts/browser-harness.mjs says where it looks).
// Fails when any check fails or a context reports nothing.
import { launch, serve } from "./browser-harness.mjs";

const { browser, executablePath, version } = await launch("test:browser");
let failed = 0, passed = 0;
try {
  for (const isolated of [true, false]) {
    const { server, origin } = await serve(isolated);
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    const url = `${origin}/test/browser/index.html?isolated=${isolated ? 1 : 0}`;
    await page.goto(url);
    await page.waitForFunction(() => window.__results !== undefined, null, { timeout: 120_000 });
    const out = await page.evaluate(() => window.__results);
    const label = isolated ? "cross-origin isolated" : "not isolated";
    if (out.error !== null || errors.length > 0) {
      console.log(`not ok - ${label}: ${out.error ?? errors.join("; ")}`);
      failed++;
    }
    if (out.isolated !== isolated) {
      console.log(`not ok - ${label}: crossOriginIsolated is ${out.isolated}`);
      failed++;
    }
    for (const [where, results] of [["main thread", out.main], ["worker", out.worker]]) {
      if (!Array.isArray(results) || results.length === 0) {
        console.log(`not ok - ${label}, ${where}: no results`);
        failed++;
        continue;
      }
      for (const r of results) {
        console.log(`${r.ok ? "ok" : "not ok"} - ${label}, ${where}: ${r.name}${r.detail ? ` (${r.detail})` : ""}`);
        if (r.ok) passed++;
        else failed++;
      }
    }
    await page.close();
    server.close();
  }
} finally {
  await browser.close();
}
console.log(`# Chromium ${version} (${executablePath}): ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
