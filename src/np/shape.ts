// Filled by the shape family: re-exports of its public NumPy names and its Tensor methods.
export {};
