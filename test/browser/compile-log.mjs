// Records every `new WebAssembly.Module` in this realm as { bytes, ok, error, emulated }, and
// refuses modules over `globalThis.__refuseWasmAbove` bytes when a check sets it (emulating an
// engine's size limit on synchronous compiles). Installed before the library is imported.
export function installCompileLog() {
  const log = [];
  const Native = WebAssembly.Module;
  const Module = function Module(bytes, ...rest) {
    const n = bytes.byteLength;
    if (n > (globalThis.__refuseWasmAbove ?? Infinity)) {
      log.push({ bytes: n, ok: false, emulated: true, error: "emulated size limit" });
      throw new RangeError("WebAssembly.Compile refused (emulated by the test)");
    }
    try {
      const m = new Native(bytes, ...rest);
      log.push({ bytes: n, ok: true, error: "" });
      return m;
    } catch (e) {
      log.push({ bytes: n, ok: false, error: String(e && e.message) });
      throw e;
    }
  };
  Module.prototype = Native.prototype;
  Object.setPrototypeOf(Module, Native);
  WebAssembly.Module = Module;
  return log;
}
