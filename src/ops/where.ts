import { Tensor, fromBuffer, scalarTensor } from "../tensor/tensor.js";
import { ArrayLike } from "../tensor/create.js";
import { allocArray, castValue } from "../tensor/dtype.js";
import { broadcastShapesN, shapeSize } from "../tensor/shape.js";
import { Arg, definePrimitive } from "../core/primitive.js";
import { bind } from "../core/trace.js";
import { map3Strided } from "../kernels/elementwise.js";
import { resultDtype, toArg, toTensor } from "./args.js";
import { broadcastStrides } from "./kernel-wrap.js";
import { unbroadcast } from "./grad-util.js";
import { zerosLike } from "./fill.js";

// One function for every call, so the kernel can give it a loop of its own (see kernels/elementwise).
const pick = (cv: number, a: number, b: number): number => (cv !== 0 ? a : b);

function whereImpl(args: Arg[]): Tensor {
  const [c, x, y] = args.map(toTensor);
  const dt = resultDtype(args[1], args[2]);
  const shape = broadcastShapesN([c.shape, x.shape, y.shape], "where");
  if (shape.length === 0) return scalarTensor(c.scalar !== 0 ? castValue(x.scalar, dt) : castValue(y.scalar, dt), dt);
  const dst = allocArray(dt, shapeSize(shape));
  const op = (t: Tensor) => ({ buf: t.buffer(), off: t.offset, st: broadcastStrides(t.shape, t.strides, shape) });
  const xv = x.weak ? toTensor(castValue(x.scalar, dt)) : x;
  const yv = y.weak ? toTensor(castValue(y.scalar, dt)) : y;
  map3Strided(pick, [op(c), op(xv), op(yv)], shape, dst);
  return fromBuffer(dst, shape, dt);
}

const wherePrim = definePrimitive<undefined>({
  name: "where",
  impl: whereImpl,
  vjp: (g, _ans, args, _p, i) => {
    const c = args[0];
    const picked = i === 1 ? where(c, g, zerosLike(g)) : where(c, zerosLike(g), g);
    return unbroadcast(picked, args[i]);
  },
  jvpJoint: (tangents, ans, args) => {
    const tx = tangents[1] ?? zerosLike(ans);
    const ty = tangents[2] ?? zerosLike(ans);
    return where(args[0], tx, ty);
  },
});

/** `np.where(condition, x, y)`: x where condition is true, else y (broadcast). Differentiable in x and y. */
export function where(condition: ArrayLike, x: ArrayLike, y: ArrayLike): Tensor {
  return bind(wherePrim, [toArg(condition), toArg(x), toArg(y)], undefined);
}
