import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { engineOps } from "../core/hooks.js";
import { ArgumentError } from "../errors.js";
import { binaryOp, unaryOp } from "./define.js";
import { resultDtype, toArg } from "./args.js";
import { zerosLike } from "./fill.js";
import { where } from "./where.js";
import { log } from "./unary.js";
import { equal } from "./compare.js";
import { boolPairToInt, rejectBool } from "./elementwise-util.js";

// The arithmetic primitives. Rules are written in these same ops, so they differentiate again.
// Integer results wrap like int32 when stored; bool + bool is logical or, bool * bool logical and.

export { equal };

export const add = binaryOp("add", (x, y) => x + y, {
  out: "same",
  vjp: (g) => g,
});

const subtractOp = binaryOp("subtract", (x, y) => x - y, {
  out: "same",
  vjp: (g, _ans, _a, _b, i) => (i === 0 ? g : negative(g)),
});

/** `np.subtract(a, b)`, broadcasting. */
export function subtract(a: ArrayLike, b: ArrayLike): Tensor {
  const x = toArg(a);
  const y = toArg(b);
  rejectBool("subtract", x, y, "use np.logicalXor for booleans, or cast one operand with astype");
  return subtractOp(x, y);
}

export const multiply = binaryOp("multiply", (x, y) => x * y, {
  out: "same",
  // x * 1 is x for every float (-0, NaN and infinities included) and every int32.
  unit: 1,
  vjp: (g, _ans, a, b, i) => (i === 0 ? multiply(g, b) : multiply(g, a)),
});

/** `np.divide` (= `np.trueDivide`): always a float result (int32 / int32 gives float64). */
export const divide = binaryOp("divide", (x, y) => x / y, {
  out: "float",
  vjp: (g, ans, a, b, i) => (i === 0 ? divide(g, b) : negative(multiply(g, divide(ans, b)))),
  jvp: (t, ans, a, b, i) => (i === 0 ? divide(t, b) : negative(multiply(t, divide(ans, b)))),
});

const negativeOp = unaryOp("negative", (x) => -x, {
  out: "same",
  vjp: (g) => negative(g),
});

/** `np.negative(x)`: -x (not defined for bool, as in NumPy). */
export function negative(x: ArrayLike): Tensor {
  const a = toArg(x);
  rejectBool("negative", a, null, "use np.logicalNot to flip booleans");
  return negativeOp(a);
}

engineOps.add = (a: Tensor, b: Tensor) => add(a, b);
engineOps.zerosLike = (x: Tensor) => zerosLike(x);

const powerOp = binaryOp("power", (x, y) => Math.pow(x, y), {
  out: "same",
  // Conventions pinned by HIPS autograd: d/dx x**0 = 0 at x = 0, and d/dy uses log(1) = 0 where x = 0.
  vjp: (g, ans, a, b, i) =>
    i === 0
      ? multiply(g, multiply(b, power(a, where(equal(b, 0), 1, subtract(b, 1)))))
      : multiply(g, multiply(log(where(equal(a, 0), 1, a)), ans)),
});

/**
 * `np.power(x, y)`, broadcasting. Integer powers stay integers (bool ** bool computes in int32,
 * as NumPy does in int8); a negative integer exponent of an integer base is an error, as in NumPy.
 */
export function power(x: ArrayLike, y: ArrayLike): Tensor {
  const [a, b] = boolPairToInt(toArg(x), toArg(y));
  const dt = resultDtype(a, b);
  if (dt === "int32") {
    const e = typeof b === "number" ? [b] : b.concrete().contiguousData(false);
    for (let i = 0; i < e.length; i++)
      if (e[i] < 0)
        throw new ArgumentError(
          `power: integers to negative integer powers are not allowed (exponent ${e[i]}); ` +
            `cast the base to float first, e.g. np.astype(x, "float64")`,
        );
  }
  return powerOp(a, b);
}
