// Node module hook used only by the TF.js workloads. tfjs-core's Node bundle leaves out the
// gradient registrations (the `@tensorflow/tfjs` umbrella package normally adds them), and its
// ES-module sources import siblings without the ".js" extension, which Node's ESM loader refuses.
// This adds the extension for relative imports inside tfjs-core's dist/, nothing else.
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? "";
  if (specifier.startsWith(".") && parent.includes("/@tensorflow/tfjs-core/dist/") && !/\.[cm]?js$/.test(specifier)) {
    try {
      return await next(`${specifier}.js`, context);
    } catch {
      return next(`${specifier}/index.js`, context);
    }
  }
  return next(specifier, context);
}
