// NumPy's namespace: each family re-exports its public names and adds its Tensor methods.
export * from "./create.js";
export * from "./elementwise.js";
export * from "./reduce.js";
export * from "./products.js";
export * from "./shape.js";
export * from "./construct.js";
export * from "./indexing.js";
export * from "./misc.js";
