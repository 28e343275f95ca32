export async function resolve(specifier, context, next) {
  if (specifier.startsWith(".") && context.parentURL && context.parentURL.includes("/@tensorflow/tfjs-core/dist/") && !/\.[cm]?js$/.test(specifier)) {
    try { return await next(specifier + ".js", context); } catch { return next(specifier + "/index.js", context); }
  }
  return next(specifier, context);
}
