// Filled by the reduce family: re-exports of its public NumPy names and its Tensor methods.
export {};
