// Filled by the construct family: re-exports of its public NumPy names and its Tensor methods.
export {};
