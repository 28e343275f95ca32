// nn.functional.conv2d / conv1d: PyTorch's signatures and validation over the conv2d primitive.
import { Tensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { ArgumentError, DTypeError, ShapeError, fmtShape } from "../errors.js";
import { toTensor } from "../ops/args.js";
import { ConvParams, conv2dRaw } from "../ops/conv.js";
import { expandDims, squeeze } from "../np/index.js";
import { IntPair, readPair } from "./pair.js";

export interface Conv2dOptions {
  /** Step between output positions (default 1). */
  stride?: IntPair;
  /**
   * Zero padding on both sides of each spatial axis, or "valid" (none) or "same" (output as
   * large as the input; stride must be 1, and an odd total puts the extra row/column after).
   */
  padding?: IntPair | "same" | "valid";
  /** Spacing between kernel taps (default 1). */
  dilation?: IntPair;
  /** Input and output channels split into this many independent groups (default 1). */
  groups?: number;
}

/** Validates and normalizes conv options for `dims` spatial axes (1 or 2) against the weight. */
function readConvParams(op: string, opts: Conv2dOptions, kernel: number[], dims: number): ConvParams {
  const stride = readPair(opts.stride ?? 1, "stride", op, 1, dims);
  const dilation = readPair(opts.dilation ?? 1, "dilation", op, 1, dims);
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ArgumentError(`${op}: groups must be a positive integer, got ${groups}`);
  const pad = opts.padding ?? 0;
  let before: number[], after: number[];
  if (pad === "valid") before = after = new Array<number>(dims).fill(0);
  else if (pad === "same") {
    if (stride.some((s) => s !== 1)) throw new ArgumentError(`${op}: padding "same" needs stride 1, got stride ${JSON.stringify(opts.stride)}`);
    const total = kernel.map((k, i) => dilation[i] * (k - 1));
    before = total.map((t) => Math.floor(t / 2));
    after = total.map((t, i) => t - before[i]);
  } else if (typeof pad === "string") throw new ArgumentError(`${op}: padding must be an int, a pair, "same" or "valid", got "${pad}"`);
  else before = after = readPair(pad, "padding", op, 0, dims);
  const two = (a: number[]): [number, number] => (dims === 1 ? [1, a[0]] : [a[0], a[1]]);
  const b = two(before), a = two(after);
  return {
    stride: two(stride),
    dilation: two(dilation),
    padding: dims === 1 ? [0, 0, b[1], a[1]] : [b[0], a[0], b[1], a[1]],
    groups,
  };
}

function checkFloatish(op: string, t: Tensor, name: string): void {
  if (t.dtype === "bool") throw new DTypeError(`${op}: ${name} must be numeric, got bool; cast it with astype("float32") first`);
}

/**
 * The shared body of conv1d/conv2d: `dims` spatial axes after N and C. Unbatched input
 * (C, ...spatial) is accepted as PyTorch does and returns an unbatched result.
 */
function convNd(op: string, dims: number, input: ArrayLike, weight: ArrayLike, bias: ArrayLike | null | undefined, opts: Conv2dOptions): Tensor {
  let x = toTensor(input);
  let w = toTensor(weight);
  checkFloatish(op, x, "input");
  checkFloatish(op, w, "weight");
  if (w.ndim !== dims + 2)
    throw new ShapeError(`${op}: weight must be ${dims + 2}-d (out_channels, in_channels/groups, ${dims === 2 ? "kH, kW" : "kW"}), got shape ${fmtShape(w.shape)}`);
  const unbatched = x.ndim === dims + 1;
  if (!unbatched && x.ndim !== dims + 2)
    throw new ShapeError(`${op}: input must be ${dims + 2}-d (N, C, ${dims === 2 ? "H, W" : "L"}) or ${dims + 1}-d unbatched, got shape ${fmtShape(x.shape)}`);
  if (unbatched) x = expandDims(x, 0);
  const kernel = w.shape.slice(2);
  const p = readConvParams(op, opts, kernel, dims);
  const [O, Cg] = w.shape;
  const C = x.shape[1];
  if (C % p.groups !== 0 || O % p.groups !== 0)
    throw new ShapeError(`${op}: groups=${p.groups} must divide both input channels (${C}) and output channels (${O})`);
  if (Cg * p.groups !== C)
    throw new ShapeError(
      `${op}: input has ${C} channels but weight ${fmtShape(w.shape)} with groups=${p.groups} expects ${Cg * p.groups}; ` +
        `the weight's second axis must be in_channels/groups`,
    );
  const spatial = x.shape.slice(2);
  for (let d = 0; d < dims; d++) {
    const k = p.dilation[2 - dims + d] * (kernel[d] - 1) + 1;
    const padded = spatial[d] + p.padding[(2 - dims + d) * 2] + p.padding[(2 - dims + d) * 2 + 1];
    if (k > padded)
      throw new ShapeError(
        `${op}: the (dilated) kernel size ${k} exceeds the padded input size ${padded} on spatial axis ${d} ` +
          `(input ${fmtShape(x.shape)}, weight ${fmtShape(w.shape)}); pad the input or use a smaller kernel`,
      );
  }
  if (dims === 1) {
    x = expandDims(x, 2);
    w = expandDims(w, 2);
  }
  let b: Tensor | undefined;
  if (bias !== null && bias !== undefined) {
    b = toTensor(bias);
    if (b.ndim !== 1 || b.shape[0] !== O) throw new ShapeError(`${op}: bias must have shape (${O},) (out_channels), got ${fmtShape(b.shape)}`);
    if (b.dtype === "bool") throw new DTypeError(`${op}: bias must be numeric, got bool`);
  }
  let y = conv2dRaw(x, w, p, b);
  if (dims === 1) y = squeeze(y, 2);
  return unbatched ? squeeze(y, 0) : y;
}

/**
 * `nn.functional.conv2d(input, weight, bias?, {stride, padding, dilation, groups})`: PyTorch's
 * 2-d cross-correlation. input (N, C, H, W) or (C, H, W); weight (O, C/groups, kH, kW); bias (O,).
 * Differentiable to any order in input, weight and bias; float32 operands give float32.
 */
export function conv2d(input: ArrayLike, weight: ArrayLike, bias?: ArrayLike | null, opts: Conv2dOptions = {}): Tensor {
  return convNd("conv2d", 2, input, weight, bias, opts);
}

/** `nn.functional.conv1d(input, weight, bias?, opts)`: input (N, C, L) or (C, L), weight (O, C/groups, kW). */
export function conv1d(input: ArrayLike, weight: ArrayLike, bias?: ArrayLike | null, opts: Conv2dOptions = {}): Tensor {
  return convNd("conv1d", 1, input, weight, bias, opts);
}
