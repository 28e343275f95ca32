// The `nn` namespace: `nn.functional` now; modules (nn.Linear, nn.Conv2d, ...) build on it.
export * as functional from "./functional.js";
