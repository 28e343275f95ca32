import { np, grad, vjp, jvp, checkGrads, jacobian, Tensor } from "../../src/index.js";
const f = (x: Tensor) => np.sin(x);
const [o, pb] = vjp(grad(f), 0.4);
const r = pb(1);
const [o2, t2] = jvp(grad(f), [0.4], [1]);
checkGrads(grad(f))(0.4);
const j = jacobian(grad(f))(0.4);
void o; void r; void o2; void t2; void j;
