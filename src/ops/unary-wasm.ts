// Eager float32 transcendentals on large contiguous arrays through the fused-kernel compiler's
// WebAssembly SIMD math (one-op programs): several times faster than a loop over Math.*, and
// within 2 ulp of the correctly rounded result, as ARCHITECTURE.md allows for float32. float64
// stays on Math.* (exact), and small or strided inputs on the JS loops.
import { Tensor, fromBuffer } from "../tensor/tensor.js";
import { allocArray } from "../tensor/dtype.js";
import { FusedKernel, FusedOpName } from "../kernels/fused/program.js";
import { compileFusedWasm } from "../kernels/fused/wasm.js";

/** Below this many elements the JS loop's lower fixed cost wins. */
const MIN_SIZE = 4096;
const OPS: Partial<Record<string, FusedOpName>> = {
  exp: "exp", log: "log", log1p: "log1p", expm1: "expm1", tanh: "tanh", sin: "sin", cos: "cos",
};
const kernels = new Map<string, FusedKernel | null>();

/** The op's result through Wasm, or null where the JS loop must serve. */
export function unaryWasmF32(name: string, x: Tensor): Tensor | null {
  if (x.kind !== 1 || x.size < MIN_SIZE || !x.isContiguous) return null;
  const op = OPS[name];
  if (op === undefined) return null;
  let k = kernels.get(name);
  if (k === undefined) {
    k = compileFusedWasm({ dtype: "float32", inputs: ["array"], ops: [{ op, args: [0] }], outputs: [1], sums: [] });
    kernels.set(name, k);
  }
  if (k === null) return null;
  const n = x.size;
  const buf = x.buffer();
  const src = x.offset === 0 && buf.length === n ? buf : buf.subarray(x.offset, x.offset + n);
  const out = allocArray("float32", n);
  k(n, 1, [src], [out]);
  return fromBuffer(out, x.shape, "float32");
}
