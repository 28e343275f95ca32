import { compileFusedWasm } from "./src/kernels/fused/wasm.ts";
for (const op of ["exp","expm1","log","log1p","tanh"] as const) {
  const k = compileFusedWasm({ dtype: "float32", inputs: ["array"], ops: [{ op, args: [0] }], outputs: [1], sums: [1] });
  if (!k) { console.log(op, "null"); continue; }
  const f = (Math as any)[op] as (x: number) => number;
  const N = 1 << 22;
  const u = new Uint32Array(N); const x = new Float32Array(u.buffer);
  let worst = 0, wx = 0, bad = 0;
  const ob = new Float32Array(N); const oi = new Int32Array(ob.buffer);
  const ref = new Float32Array(1); const ri = new Int32Array(ref.buffer);
  const ord = (i: number) => (i < 0 ? -2147483648 - i : i);
  for (let start = 0; start < 2 ** 32; start += N * 1) {
    for (let j = 0; j < N; j++) u[j] = start + j * 1;  // exhaustive over a slice? use stride below
    break;
  }
  // stride sweep over all bit patterns
  const stride = Number(process.env.STRIDE);
  let cnt = 0;
  for (let base = 0; base < 2 ** 32; base += N * stride) {
    const len = Math.min(N, Math.floor((2 ** 32 - base) / stride));
    for (let j = 0; j < len; j++) u[j] = base + j * stride;
    k(len, 0, [x], [ob]);
    for (let j = 0; j < len; j++) {
      ref[0] = f(x[j]);
      const a = ob[j], r = ref[0];
      if (r !== r) { if (a === a) { bad++; if (bad < 5) console.log(op, "nan exp", x[j], a); } continue; }
      if (a !== a) { bad++; if (bad < 5) console.log(op, "got nan", x[j], r); continue; }
      const d = Math.abs(ord(oi[j]) - ord(ri[0]));
      if (d > worst) { worst = d; wx = x[j]; }
      cnt++;
    }
  }
  console.log(op, "max ulp", worst, "at", wx, "bad", bad, "n", cnt);
}
