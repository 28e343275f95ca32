// npm run demo: the seed example, a Jacobian and a Hessian, each beside its closed form.
import { np, grad, jacobian, hessian } from "../dist/index.js";

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

function indent(s) {
  return s.split("\n").map((l) => "    " + l).join("\n");
}
