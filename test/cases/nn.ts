import { np, nn, Tensor } from "../../src/index.js";
import type { GradCase } from "./types.js";
import { rand } from "../helpers/data.js";
import { conv2dInputGrad, conv2dWeightGrad, type ConvParams } from "../../src/ops/conv.js";
import { maxPoolGather, maxPoolPositions, maxPoolScatter, avgPool2dTranspose, type PoolParams } from "../../src/ops/pool.js";
import { reluGrad } from "../../src/ops/relu.js";
import { normalCdfOp } from "../../src/ops/normal-cdf.js";

const F = nn.functional;

// Values kept at least 0.1 away from 0, so relu and its gradient are away from their kink.
const awayFromZero = (t: Tensor): Tensor => np.add(t, np.multiply(np.sign(t), 0.1));

const X = rand([2, 4, 5, 6], 31);
const W = rand([6, 2, 3, 2], 32);
const B = rand([6], 33);
const P: ConvParams = { stride: [2, 1], padding: [1, 0, 1, 1], dilation: [1, 2], groups: 2 };
// Output of conv2d(X, W) with P: (2, 6, 2, 6).
const GY = rand([2, 6, 2, 6], 34);

const poolP: PoolParams = {
  kernel: [2, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], inHW: [5, 6], outHW: [3, 3], countIncludePad: false,
};
const PX = rand([2, 3, 5, 6], 35);
const IDX = maxPoolPositions(PX, poolP);

export const cases: GradCase[] = [
  { prim: "conv2d", label: "stride, padding, dilation, groups, bias", f: (x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2 }), args: [X, W, B] },
  { prim: "conv2d", label: "padding same, no bias", f: (x, w) => F.conv2d(x, w, null, { padding: "same" }), args: [rand([1, 2, 4, 4], 36), rand([3, 2, 2, 3], 37)] },
  { prim: "conv2d", label: "conv1d stride 2", f: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }), args: [rand([2, 3, 7], 38), rand([2, 3, 3], 39), rand([2], 40)] },
  { prim: "conv2d_input_grad", label: "transposed conv with asymmetric padding and groups", f: (g, w) => conv2dInputGrad(g, w, { ...P, inHW: [5, 6] }), args: [GY, W] },
  { prim: "conv2d_weight_grad", label: "weight gradient with asymmetric padding and groups", f: (x, g) => conv2dWeightGrad(x, g, { ...P, kHW: [3, 2] }), args: [X, GY] },
  { prim: "max_pool2d", label: "overlapping windows, padding, ceil mode", f: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), args: [rand([2, 2, 5, 6], 41)] },
  { prim: "max_pool2d", label: "dilation 2", f: (x) => F.maxPool2d(x, 2, { stride: 1, dilation: 2 }), args: [rand([1, 2, 5, 5], 42)] },
  { prim: "max_pool2d_positions", label: "argmax positions weight the input (a constant)", f: (x) => np.multiply(x.get(":", ":", ":3", ":3"), np.astype(maxPoolPositions(x, poolP), "float64")), args: [PX] },
  { prim: "max_pool2d_gather", label: "tangent at fixed argmax positions", f: (t) => maxPoolGather(t, IDX, poolP), args: [PX] },
  { prim: "max_pool2d_scatter", label: "scatter-add at fixed argmax positions", f: (g) => maxPoolScatter(g, IDX, poolP), args: [rand([2, 3, 3, 3], 43)] },
  { prim: "avg_pool2d", label: "padding, ceil mode, countIncludePad false", f: (x) => F.avgPool2d(x, [2, 3], { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), args: [rand([2, 2, 5, 6], 44)] },
  { prim: "avg_pool2d", label: "countIncludePad true", f: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1 }), args: [rand([1, 2, 5, 5], 45)] },
  { prim: "avg_pool2d_transpose", label: "adjoint of average pooling", f: (g) => avgPool2dTranspose(g, poolP), args: [rand([2, 3, 3, 3], 46)] },
  { prim: "relu", label: "values away from 0", f: (x) => F.relu(x), args: [awayFromZero(rand([3, 4], 47))] },
  { prim: "relu_grad", label: "masked cotangent (zero derivative in x)", f: (g, x) => reluGrad(g, x), args: [rand([3, 4], 48), awayFromZero(rand([3, 4], 49))] },
  { prim: "log_softmax", label: "last axis", f: (x) => F.logSoftmax(x), args: [rand([3, 5], 51, -3, 3)] },
  { prim: "log_softmax", label: "middle axis of a 3-d input", f: (x) => F.logSoftmax(x, 1), args: [rand([2, 4, 3], 52, -3, 3)] },
  { prim: "log_softmax", label: "class axis of cross-entropy with probability targets", f: (x, p) => F.crossEntropy(x, p), args: [rand([4, 3], 53, -2, 2), rand([4, 3], 54, 0, 1)] },
  { prim: "gelu_normal_cdf", label: "normal CDF through exact gelu", f: (x) => np.add(F.gelu(x), normalCdfOp(np.multiply(x, 3))), args: [rand([2, 5], 50, -3, 3)] },
];
