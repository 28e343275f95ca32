// npm run demo: the seed example, a Jacobian and a Hessian, each beside its closed form, and a
// jit-compiled value and gradient.
import { np, grad, jacobian, hessian, jit, valueAndGrad } from "../dist/index.js";

const f = (x) => np.add(np.sin(np.power(x, 2)), np.multiply(2, x));
const g = grad(f)(2.0);
console.log("grad(x => sin(x^2) + 2x)(2.0)");
console.log(`  chainrule:   ${g}`);
console.log(`  closed form: 2 + 4 cos 4 = ${2 + 4 * Math.cos(4)}`);

const x = np.array([0.5, 1.0, 1.5]);
const J = jacobian((v) => np.multiply(np.sin(v), np.sum(v)))(x);
// d/dx_j [sin(x_i) * s] = cos(x_i) s [i = j] + sin(x_i)
const s = 3.0;
const Jc = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? Math.cos(x.toArray()[i]) * s : 0) + Math.sin(x.toArray()[i])));
console.log("\njacobian(v => sin(v) * sum(v)) at [0.5, 1, 1.5]");
console.log("  chainrule:\n" + indent(String(J)));
console.log("  closed form cos(x_i) s δ_ij + sin(x_i):\n" + indent(String(np.array(Jc))));

const rosen = (v) => {
  const a = v.get("1:"), b = v.get(":-1");
  return np.sum(np.add(np.multiply(100, np.power(np.subtract(a, np.power(b, 2)), 2)), np.power(np.subtract(1, b), 2)));
};
const p = np.array([1.2, 0.8]);
const H = hessian(rosen)(p);
const [x0, x1] = [1.2, 0.8];
const Hc = [
  [1200 * x0 * x0 - 400 * x1 + 2, -400 * x0],
  [-400 * x0, 200],
];
console.log("\nhessian(Rosenbrock) at [1.2, 0.8]");
console.log("  chainrule:\n" + indent(String(H)));
console.log("  closed form [[1200x0²-400x1+2, -400x0], [-400x0, 200]]:\n" + indent(String(np.array(Hc))));

// jit: the forward and backward pass of an elementwise loss over a million float32 values,
// compiled into one fused loop (WebAssembly SIMD where available).
const loss = (v) => {
  const vv = np.multiply(v, v);
  return np.sum(np.add(np.multiply(np.tanh(v), np.exp(np.negative(vv))), np.log1p(vv)));
};
const big = np.linspace(-1, 1, 1_000_000).astype("float32");
const eager = valueAndGrad(loss);
const compiled = jit(valueAndGrad(loss));
const time = (f) => {
  for (let i = 0; i < 3; i++) f(big);
  const t = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    f(big);
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[4].toFixed(1);
};
const [val, gr] = compiled(big);
const t1 = big.get(750_000).item(), th = Math.tanh(t1), e1 = Math.exp(-t1 * t1);
console.log("\njit(valueAndGrad(sum(tanh(x) exp(-x²) + log1p(x²)))) over 1e6 float32 values in [-1, 1]");
console.log(`  value ${val.item().toFixed(2)}; gradient at x = ${t1.toFixed(6)}: ${gr.get(750_000).item().toFixed(6)} ` +
  `(closed form (1 - tanh² x) e^{-x²} - 2x tanh x e^{-x²} + 2x / (1 + x²) = ${((1 - th * th) * e1 - 2 * t1 * th * e1 + (2 * t1) / (1 + t1 * t1)).toFixed(6)})`);
console.log(`  median time: eager ${time(eager)} ms, jit ${time(compiled)} ms (this machine, now)`);

function indent(s) {
  return s.split("\n").map((l) => "    " + l).join("\n");
}
