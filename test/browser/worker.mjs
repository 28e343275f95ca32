// The suite inside a module Web Worker: the thread pool's caller may block in Atomics.wait here
// instead of spinning, and engines that limit synchronous compiles on a page's main thread do
// not limit them here.
import { installCompileLog } from "./compile-log.mjs";

const compileLog = installCompileLog();
const isolated = new URL(import.meta.url).searchParams.get("isolated") === "1";
try {
  const { runSuite } = await import("./suite.mjs");
  postMessage(await runSuite({ isolated, compileLog }));
} catch (e) {
  postMessage([{ name: "suite loads in a worker", ok: false, detail: String(e && e.stack ? e.stack : e) }]);
}
