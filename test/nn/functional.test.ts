// nn.functional activations, losses and linear: values from NumPy/SciPy (ndtr, expit,
// log_expit, logsumexp, logaddexp) or by hand, stability at extreme inputs, gradients, dtypes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { np, nn, grad, Tensor, ShapeError, ArgumentError, DTypeError, checkGrads } from "../../src/index.js";
import { rand } from "../helpers/data.js";
import { assertClose } from "./naive.js";

const F = nn.functional;

test("relu, relu6, leakyRelu, elu: values, NaN, integer dtype, zero gradient at 0", () => {
  const x = np.array([-2, -0.5, 0, 0.5, 7]);
  assertClose(F.relu(x), [0, 0, 0, 0.5, 7]);
  assertClose(F.relu6(x), [0, 0, 0, 0.5, 6]);
  assertClose(F.leakyRelu(x), [-0.02, -0.005, 0, 0.5, 7]);
  assertClose(F.leakyRelu(x, 0.2), [-0.4, -0.1, 0, 0.5, 7]);
  assertClose(F.elu(x), [Math.expm1(-2), Math.expm1(-0.5), 0, 0.5, 7]);
  assert.ok(Number.isNaN(F.relu(np.array([NaN])).item()));
  const xi = np.array([-3, 4], "int32");
  assert.equal(F.relu(xi).dtype, "int32");
  assert.deepEqual(F.relu(xi).toArray(), [0, 4]);
  assertClose(grad((t: Tensor) => np.sum(F.relu(t)))(x) as Tensor, [0, 0, 0, 1, 1]);
  assertClose(grad((t: Tensor) => np.sum(F.leakyRelu(t)))(x) as Tensor, [0.01, 0.01, 0.01, 1, 1]);
});

test("sigmoid, logSigmoid, softplus: SciPy's values, no overflow at +-800", () => {
  const x = np.array([-800, -30, 0, 2, 40]);
  assertClose(F.sigmoid(x), [0, 9.357622968839299e-14, 0.5, 0.8807970779778823, 1], 1e-14);
  assertClose(F.logSigmoid(x), [-800, -30.000000000000092, -0.6931471805599453, -0.1269280110429725, -4.248354255291589e-18], 1e-14);
  // Above the threshold (20) softplus is x itself, as in PyTorch.
  assertClose(F.softplus(np.array([-30, -1, 0, 1, 30])), [9.357622968839737e-14, 0.31326168751822286, 0.6931471805599453, 1.3132616875182228, 30], 1e-14);
  assertClose(F.softplus(np.array([1, 30]), { beta: 2, threshold: 100 }), [Math.log1p(Math.exp(2)) / 2, 30], 1e-14);
  const gs = grad((t: Tensor) => np.sum(F.sigmoid(t)))(np.array([-800, 0, 800])) as Tensor;
  assertClose(gs, [0, 0.25, 0], 1e-14);
  assertClose(F.silu(np.array([2])), [2 * 0.8807970779778823], 1e-14);
  assertClose(F.tanh(np.array([0.5])), [Math.tanh(0.5)]);
});

test("gelu: exact (normal CDF, SciPy's ndtr) and tanh approximation", () => {
  const x = np.array([-3, -0.5, 0, 0.7, 2.5]);
  assertClose(F.gelu(x), [-0.00404969409489028, -0.15426876936299344, 0, 0.5306254434438489, 2.4844758366855597], 1e-14);
  assertClose(F.gelu(x, { approximate: "tanh" }), [-0.0036373920817729943, -0.15428599017485606, 0, 0.5305701347051167, 2.484915733910001], 1e-14);
  // d/dx x·Φ(x) = Φ(x) + x·φ(x): at 0 that is 1/2, at 1 it is 0.8413447460685429 + 0.24197072451914337.
  assertClose(grad((t: Tensor) => np.sum(F.gelu(t)))(np.array([0, 1])) as Tensor, [0.5, 0.8413447460685429 + 0.24197072451914337], 1e-14);
  assert.throws(() => F.gelu(x, { approximate: "cubic" as "tanh" }), ArgumentError);
  checkGrads((t: Tensor) => F.gelu(t), { order: 2 })(rand([5], 3, -4, 4));
});

test("softmax and logSoftmax: SciPy's logsumexp values, any axis, huge logits", () => {
  const z = np.array([[1, 2, 3], [0.5, -1, 4]]);
  const ls = [-2.40760596444438, -1.4076059644443801, -0.40760596444438013, -3.536269565124779, -5.036269565124779, -0.03626956512477886];
  assertClose(F.logSoftmax(z), ls, 1e-14);
  assertClose(F.softmax(z), ls.map(Math.exp), 1e-14);
  assertClose(F.logSoftmax(np.transpose(z), 0), np.transpose(np.array([ls.slice(0, 3), ls.slice(3)])).toTypedArray(), 1e-14);
  assertClose(F.softmax(np.array([1000, 1000])), [0.5, 0.5]);
  assertClose(F.logSoftmax(np.array([-Infinity, 0])), [-Infinity, 0]);
  // The rows of softmax's Jacobian sum to zero: the gradient of sum(softmax) vanishes.
  assertClose(grad((t: Tensor) => np.sum(F.softmax(t)))(z) as Tensor, [0, 0, 0, 0, 0, 0], 1e-14);
  checkGrads((t: Tensor) => F.logSoftmax(t, 0), { order: 2 })(rand([3, 2], 4));
});

test("crossEntropy: class indices, class weights, ignoreIndex, probabilities, label smoothing", () => {
  const z = np.array([[1, 2, 3], [0.5, -1, 4]]);
  const t = np.array([2, 0], "int32");
  assertClose(F.crossEntropy(z, t), [1.9719377647845795], 1e-14);
  assertClose(F.crossEntropy(z, t, { reduction: "sum" }), [2 * 1.9719377647845795], 1e-14);
  assertClose(F.crossEntropy(z, t, { reduction: "none" }), [0.40760596444438013, 3.536269565124779], 1e-14);
  assertClose(F.crossEntropy(z, t, { weight: [0.2, 1, 3] }), [0.603147439486905], 1e-14);
  assertClose(F.crossEntropy(z, np.array([2, -100], "int32")), [0.40760596444438013], 1e-14);
  assertClose(F.crossEntropy(z, np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0]]), { reduction: "none" }), [0.80760596444438, 4.286269565124779], 1e-14);
  assertClose(F.crossEntropy(z, t, { labelSmoothing: 0.1 }), [1.988604431451246], 1e-14);
  // d/dz of the mean loss is (softmax(z) - onehot(t)) / N.
  const sm = F.softmax(z).toTypedArray();
  const want = [sm[0] / 2, sm[1] / 2, (sm[2] - 1) / 2, (sm[3] - 1) / 2, sm[4] / 2, sm[5] / 2];
  assertClose(grad((a: Tensor) => F.crossEntropy(a, t))(z) as Tensor, want, 1e-14);
  // 1-d logits and (N, C, d) logits with (N, d) targets.
  assertClose(F.crossEntropy(np.array([1, 2, 3]), np.array(2, "int32")), [0.40760596444438013], 1e-14);
  const z3 = np.transpose(np.reshape(z, [1, 2, 3]), [0, 2, 1]); // (1, 3, 2): classes on axis 1
  assertClose(F.crossEntropy(z3, np.array([[2, 0]], "int32")), [1.9719377647845795], 1e-14);
  assert.equal(F.crossEntropy(z.astype("float32"), t).dtype, "float32");
});

test("crossEntropy and nllLoss: errors", () => {
  const z = np.zeros([2, 3]);
  assert.throws(() => F.crossEntropy(z, np.array([0, 3], "int32")), (e: unknown) => e instanceof ArgumentError && /outside \[0, 3\)/.test(e.message));
  assert.throws(() => F.crossEntropy(z, np.array([0, 1, 2], "int32")), ShapeError);
  assert.throws(() => F.crossEntropy(z, np.zeros([2, 2])), (e: unknown) => e instanceof ShapeError && /logits' shape/.test(e.message));
  assert.throws(() => F.nllLoss(z, np.array([0, 1])), (e: unknown) => e instanceof DTypeError && /int32/.test(e.message));
  assert.throws(() => F.crossEntropy(z, np.array([0, 1], "int32"), { reduction: "avg" as "mean" }), ArgumentError);
});

test("nllLoss: picks -logp[n, t[n]] with weights", () => {
  const lp = np.array([[-1, -2, -3], [-0.5, -4, -2]]);
  assertClose(F.nllLoss(lp, np.array([1, 2], "int32")), [2]);
  assertClose(F.nllLoss(lp, np.array([1, 2], "int32"), { weight: [1, 3, 1] }), [(3 * 2 + 2) / 4]);
  assertClose(grad((a: Tensor) => F.nllLoss(a, np.array([1, 2], "int32"), { reduction: "sum" }))(lp) as Tensor, [0, -1, 0, 0, 0, -1]);
});

test("mseLoss, l1Loss", () => {
  const a = np.array([1, 2, 4]), b = np.array([1, 0, 1]);
  assertClose(F.mseLoss(a, b), [13 / 3]);
  assertClose(F.mseLoss(a, b, { reduction: "sum" }), [13]);
  assertClose(F.l1Loss(a, b, { reduction: "none" }), [0, 2, 3]);
  assertClose(grad((x: Tensor) => F.mseLoss(x, b))(a) as Tensor, [0, 4 / 3, 2]);
  assert.throws(() => F.mseLoss(a, np.zeros([2])), ShapeError);
});

test("binaryCrossEntropy (logs clamped at -100) and binaryCrossEntropyWithLogits (exact at +-60)", () => {
  assertClose(F.binaryCrossEntropy(np.array([0, 0.2, 0.9, 1]), np.array([0, 1, 1, 0]), { reduction: "none" }), [0, 1.6094379124341003, 0.10536051565782628, 100], 1e-14);
  const z = np.array([-50, -1, 0, 2, 60]), y = np.array([1, 0, 1, 0.5, 0]);
  assertClose(F.binaryCrossEntropyWithLogits(z, y, { reduction: "none" }), [50, 0.3132616875182228, 0.6931471805599453, 1.1269280110429725, 60], 1e-14);
  assertClose(F.binaryCrossEntropyWithLogits(z, y, { reduction: "none", posWeight: 2.5 }), [125, 0.3132616875182228, 1.7328679513998633, 1.2221240193252019, 60], 1e-14);
  // d/dz = sigmoid(z) - y.
  assertClose(grad((a: Tensor) => F.binaryCrossEntropyWithLogits(a, y, { reduction: "sum" }))(z) as Tensor, [-1, 0.2689414213699951, -0.5, 0.8807970779778823 - 0.5, 1], 1e-14);
});

test("linear: x Wᵀ + b in PyTorch's layout, float32 kept", () => {
  const x = np.array([[1, 2, 3]]), w = np.array([[1, 0, 1], [0, 2, 0]]);
  assertClose(F.linear(x, w, [10, 20]), [14, 24]);
  assertClose(F.linear(np.array([1, 2, 3]), w), [4, 4]);
  assert.equal(F.linear(x.astype("float32"), w.astype("float32"), np.zeros([2], "float32")).dtype, "float32");
  assert.throws(() => F.linear(x, np.zeros([2, 4])), (e: unknown) => e instanceof ShapeError && /in_features = 4/.test(e.message));
});

test("activations and losses keep float32", () => {
  const x = rand([2, 3], 7).astype("float32");
  for (const f of [F.relu, F.sigmoid, F.tanh, F.softplus, F.gelu, F.silu, F.elu, F.leakyRelu, F.logSigmoid, (t: Tensor) => F.softmax(t), (t: Tensor) => F.logSoftmax(t)])
    assert.equal(f(x).dtype, "float32");
  assert.equal(F.mseLoss(x, x).dtype, "float32");
  assert.equal(F.binaryCrossEntropyWithLogits(x, np.onesLike(x)).dtype, "float32");
  assert.equal((grad((t: Tensor) => F.crossEntropy(t, np.array([0, 2], "int32")))(x) as Tensor).dtype, "float32");
});
