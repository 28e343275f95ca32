// NumPy's namespace: each family re-exports its public names and adds its Tensor methods.
export * from "./create.js";
export * from "./arith.js";
