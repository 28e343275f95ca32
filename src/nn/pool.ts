// nn.functional.maxPool2d / avgPool2d: PyTorch's signatures, output sizes and validation over
// the pooling primitives.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { toTensor } from "../ops/args.js";
import { PoolParams, avgPool2dRaw, maxPool2dRaw, maxPoolPositions } from "../ops/pool.js";
import { expandDims, squeeze } from "../np/index.js";
import { IntPair, readPair } from "./pair.js";

export interface PoolOptions {
  /** Step between windows (default: the kernel size). */
  stride?: IntPair | null;
  /** Implicit padding on both sides (-Infinity for max, zeros for average); at most half the kernel. */
  padding?: IntPair;
  /** Round the output size up instead of down (a last, partial window when it starts inside the input or left padding). */
  ceilMode?: boolean;
}

export interface MaxPoolOptions extends PoolOptions {
  /** Spacing between window taps (default 1). */
  dilation?: IntPair;
}

export interface AvgPoolOptions extends PoolOptions {
  /** Count padding cells in each window's divisor (default true, as in PyTorch). */
  countIncludePad?: boolean;
}

/** PyTorch's pooled size: floor or ceil, and a ceil-mode window must start inside input or left padding. */
function pooledSize(size: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = size + 2 * p - d * (k - 1) - 1;
  let out = (ceil ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
  if (ceil && (out - 1) * s >= size + p) out--;
  return out;
}

function readPool(op: string, x: Tensor, kernelSize: IntPair, opts: MaxPoolOptions & AvgPoolOptions): PoolParams {
  const kernel = readPair(kernelSize, "kernelSize", op, 1);
  const stride = opts.stride === undefined || opts.stride === null ? kernel : readPair(opts.stride, "stride", op, 1);
  const padding = readPair(opts.padding ?? 0, "padding", op, 0);
  const dilation = readPair(opts.dilation ?? 1, "dilation", op, 1);
  for (let d = 0; d < 2; d++)
    if (padding[d] * 2 > kernel[d])
      throw new ArgumentError(`${op}: padding ${JSON.stringify(padding)} must be at most half the kernel size ${JSON.stringify(kernel)}`);
  const H = x.shape[2], W = x.shape[3];
  const ceil = opts.ceilMode === true;
  const OH = pooledSize(H, kernel[0], stride[0], padding[0], dilation[0], ceil);
  const OW = pooledSize(W, kernel[1], stride[1], padding[1], dilation[1], ceil);
  if (OH < 1 || OW < 1)
    throw new ShapeError(
      `${op}: the window (kernel ${JSON.stringify(kernel)}, dilation ${JSON.stringify(dilation)}) is larger than the padded input ${fmtShape(x.shape)}; ` +
        `use a smaller kernel or more padding`,
    );
  return {
    kernel: [kernel[0], kernel[1]],
    stride: [stride[0], stride[1]],
    padding: [padding[0], padding[1]],
    dilation: [dilation[0], dilation[1]],
    inHW: [H, W],
    outHW: [OH, OW],
    countIncludePad: opts.countIncludePad ?? true,
  };
}

/** Runs `f` on a 4-d view of a (N, C, H, W) or unbatched (C, H, W) input. */
function batched(op: string, input: ArrayLike, f: (x: Tensor) => Tensor): Tensor {
  const x = toTensor(input);
  if (x.dtype === "bool") throw new DTypeError(`${op}: input must be numeric, got bool; cast it with astype("float32") first`);
  if (x.ndim === 3) return squeeze(f(expandDims(x, 0)), 0);
  if (x.ndim !== 4) throw new ShapeError(`${op}: input must be 4-d (N, C, H, W) or 3-d (C, H, W), got shape ${fmtShape(x.shape)}`);
  return f(x);
}

/**
 * `nn.functional.maxPool2d(input, kernelSize, {stride, padding, dilation, ceilMode})`: the
 * maximum of each window. Ties: the gradient goes to the first maximum in row-major window order
 * (PyTorch's rule, not autograd's equal split); a NaN in a window wins and propagates.
 */
export function maxPool2d(input: ArrayLike, kernelSize: IntPair, opts: MaxPoolOptions = {}): Tensor {
  return batched("maxPool2d", input, (x) => maxPool2dRaw(x, readPool("maxPool2d", x, kernelSize, opts)));
}

/**
 * `maxPool2d` that also returns, as PyTorch's `return_indices`, the int32 flat position
 * `h * W + w` of each window's maximum within its (H, W) plane.
 */
export function maxPool2dWithIndices(input: ArrayLike, kernelSize: IntPair, opts: MaxPoolOptions = {}): [Tensor, Tensor] {
  let idx: Tensor | null = null;
  const out = batched("maxPool2d", input, (x) => {
    const p = readPool("maxPool2d", x, kernelSize, opts);
    idx = maxPoolPositions(x, p);
    return maxPool2dRaw(x, p);
  });
  const positions = idx as unknown as Tensor;
  return [out, out.ndim === 3 ? squeeze(positions, 0) : positions];
}

/**
 * `nn.functional.avgPool2d(input, kernelSize, {stride, padding, ceilMode, countIncludePad})`:
 * the mean of each window; integer input averages to float64.
 */
export function avgPool2d(input: ArrayLike, kernelSize: IntPair, opts: AvgPoolOptions = {}): Tensor {
  return batched("avgPool2d", input, (x) => avgPool2dRaw(x, readPool("avgPool2d", x, kernelSize, opts)));
}
