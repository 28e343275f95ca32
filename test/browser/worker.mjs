// The suite inside a module Web Worker: no 4 KB synchronous-compile limit here, and the thread
// pool's caller may block in Atomics.wait instead of spinning.
const compileLog = [];
const Native = WebAssembly.Module;
WebAssembly.Module = function Module(bytes, ...rest) {
  const n = bytes.byteLength;
  try {
    if (n > (globalThis.__refuseWasmAbove ?? Infinity)) {
      compileLog.push({ bytes: n, ok: false, emulated: true, error: "emulated size limit" });
      throw new RangeError("WebAssembly.Compile refused (emulated by the test)");
    }
    const m = new Native(bytes, ...rest);
    compileLog.push({ bytes: bytes.byteLength, ok: true, error: "" });
    return m;
  } catch (e) {
    if (!(e instanceof RangeError && /emulated/.test(e.message))) compileLog.push({ bytes: n, ok: false, error: String(e && e.message) });
    throw e;
  }
};
WebAssembly.Module.prototype = Native.prototype;
Object.setPrototypeOf(WebAssembly.Module, Native);

const isolated = new URL(import.meta.url).searchParams.get("isolated") === "1";
try {
  const { runSuite } = await import("./suite.mjs");
  postMessage(await runSuite({ isolated, compileLog }));
} catch (e) {
  postMessage([{ name: "suite loads in a worker", ok: false, detail: String(e && e.stack ? e.stack : e) }]);
}
