// Filled by the misc family: re-exports of its public NumPy names and its Tensor methods.
export {};
