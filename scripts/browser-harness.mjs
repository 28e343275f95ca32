// Headless Chromium over a static server of dist/, test/browser/ and bench/browser/, for
// scripts/test-browser.mjs and bench/browser.mjs. Needs a Chromium: CHROMIUM_PATH, else
// /usr/bin/chromium (Debian: `apt-get install chromium`).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, resolve } from "node:path";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "..");
const SERVED = ["/dist/", "/test/browser/", "/bench/browser/"];
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".map": "application/json" };

/**
 * A static server on a free loopback port; `isolated` adds the cross-origin isolation headers
 * (COOP + COEP), which is what gives a page SharedArrayBuffer and so chainrule/threads.
 */
export function serve(isolated) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = join(ROOT, path);
    if (!SERVED.some((d) => path.startsWith(d)) || !file.startsWith(ROOT) || !(await stat(file).catch(() => null))?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" };
    if (isolated) Object.assign(headers, { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" });
    res.writeHead(200, headers).end(await readFile(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ server, origin: `http://127.0.0.1:${server.address().port}` })));
}

/** Launches headless Chromium, or exits with a message saying what is missing. */
export async function launch(tool) {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    console.error(`${tool}: no Chromium at ${executablePath}. Install one (Debian: apt-get install chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  if (!existsSync(join(ROOT, "dist/index.js"))) {
    console.error(`${tool}: dist/ is missing; run \`npm run build\` first.`);
    process.exit(1);
  }
  const browser = await chromium.launch({
    executablePath,
    // The flags this machine's closed network needs (no background fetches), as root without a sandbox.
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return { browser, executablePath, version: browser.version() };
}
