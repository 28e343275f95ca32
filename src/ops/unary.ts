import { unaryOp } from "./define.js";
import { multiply, negative, divide } from "./arith.js";

// Elementwise transcendental functions: float results (int and bool inputs give float64).

export const sin = unaryOp("sin", Math.sin, {
  out: "float",
  vjp: (g, _ans, x) => multiply(g, cos(x)),
});

export const cos = unaryOp("cos", Math.cos, {
  out: "float",
  vjp: (g, _ans, x) => negative(multiply(g, sin(x))),
});

export const exp = unaryOp("exp", Math.exp, {
  out: "float",
  vjp: (g, ans) => multiply(g, ans),
});

export const log = unaryOp("log", Math.log, {
  out: "float",
  vjp: (g, _ans, x) => divide(g, x),
});
