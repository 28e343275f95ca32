// One small hierarchy: every error says which operation failed and why.
export class ChainruleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
/** Incompatible or invalid shapes, axes or indices. */
export class ShapeError extends ChainruleError {}
/** An unsupported or mismatched dtype. */
export class DTypeError extends ChainruleError {}
/** A bad argument value or option. */
export class ArgumentError extends ChainruleError {}
/** A derivative that is not defined or a rule that is missing. */
export class NotDifferentiableError extends ChainruleError {}
/** A value's data was read under `jit`, where values are only shapes and dtypes. */
export class ConcretizationError extends ChainruleError {}

export function fmtShape(shape: readonly number[]): string {
  return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}
