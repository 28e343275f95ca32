import { Tensor } from "../tensor/tensor.js";
import { engineOps } from "../core/hooks.js";
import { binaryOp, unaryOp } from "./define.js";
import { zerosLike } from "./fill.js";
import { where } from "./where.js";
import { log } from "./unary.js";

// The arithmetic primitives. Rules are written in these same ops, so they differentiate again.

export const add = binaryOp("add", (x, y) => x + y, {
  out: "same",
  vjp: (g) => g,
});

export const subtract = binaryOp("subtract", (x, y) => x - y, {
  out: "same",
  vjp: (g, _ans, _a, _b, i) => (i === 0 ? g : negative(g)),
});

export const multiply = binaryOp("multiply", (x, y) => x * y, {
  out: "same",
  vjp: (g, _ans, a, b, i) => (i === 0 ? multiply(g, b) : multiply(g, a)),
});

export const divide = binaryOp("divide", (x, y) => x / y, {
  out: "float",
  vjp: (g, ans, a, b, i) => (i === 0 ? divide(g, b) : negative(multiply(g, divide(ans, b)))),
  jvp: (t, ans, a, b, i) => (i === 0 ? divide(t, b) : negative(multiply(t, divide(ans, b)))),
});

export const negative = unaryOp("negative", (x) => -x, {
  out: "same",
  vjp: (g) => negative(g),
});

engineOps.add = (a: Tensor, b: Tensor) => add(a, b);
engineOps.zerosLike = (x: Tensor) => zerosLike(x);

export const power = binaryOp("power", (x, y) => Math.pow(x, y), {
  out: "same",
  // Conventions pinned by HIPS autograd: d/dx x**0 = 0 at x = 0, and d/dy uses log(1) = 0 where x = 0.
  vjp: (g, ans, a, b, i) =>
    i === 0
      ? multiply(g, multiply(b, power(a, where(equal(b, 0), 1, subtract(b, 1)))))
      : multiply(g, multiply(log(where(equal(a, 0), 1, a)), ans)),
});

export const equal = binaryOp("equal", (x, y) => (x === y ? 1 : 0), { out: "bool", nondiff: true });
