// nn.functional: PyTorch's functional layer API (stateless functions of tensors).
export { conv2d, conv1d } from "./conv.js";
export type { Conv2dOptions } from "./conv.js";
export { maxPool2d, maxPool2dWithIndices, avgPool2d } from "./pool.js";
export type { PoolOptions, MaxPoolOptions, AvgPoolOptions } from "./pool.js";
export { relu, relu6, leakyRelu, elu, sigmoid, logSigmoid, tanh, silu, softplus, gelu, softmax, logSoftmax } from "./activations.js";
export type { SoftplusOptions } from "./activations.js";
export { nllLoss, crossEntropy, mseLoss, l1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits } from "./losses.js";
export type { Reduction, NllOptions, CrossEntropyOptions, BceOptions, BceLogitsOptions } from "./losses.js";
export { linear } from "./linear.js";
export type { IntPair } from "./pair.js";
