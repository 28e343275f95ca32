// `npm run bench`: W1-W7 of /work/shared/BENCHMARKS.md (see docs/benchmarks.md) in chainrule,
// TF.js (cpu and wasm backends) and jax-js (Wasm, eager and jit), one after the other in the
// same run. Each system runs in a child process of its own (a fresh heap, no library sharing a
// process with another), warm-up then the median of timed repetitions. Prints a Markdown table
// of medians with the ratio chainrule/peer and writes everything to a JSON file.
//
//   node bench/run.mjs [--quick] [--only W1,W4] [--systems chainrule,jaxjs-jit] [--out FILE] [--jit-w1]
import { spawn, execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WORKLOADS, policy, summarize, NotAvailable } from "./workloads/data.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);

/** Columns of the table: one child process each, in this order. */
const SYSTEMS = [
  { id: "chainrule", label: "chainrule", module: "chainrule.mjs" },
  { id: "chainrule-jit", label: "chainrule jit", module: "chainrule.mjs", variant: "jit" },
  { id: "chainrule-2t", label: "chainrule jit 2T", module: "chainrule.mjs", variant: "jit-2t" },
  { id: "tfjs-cpu", label: "TF.js cpu", module: "tfjs.mjs", variant: "cpu" },
  { id: "tfjs-wasm", label: "TF.js wasm", module: "tfjs.mjs", variant: "wasm" },
  { id: "jaxjs-eager", label: "jax-js eager", module: "jaxjs.mjs", variant: "eager" },
  { id: "jaxjs-jit", label: "jax-js jit", module: "jaxjs.mjs", variant: "jit" },
];

function parseArgs(argv) {
  const o = { quick: false, only: null, systems: null, out: null, child: null, result: null, jitW1: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (a.includes("=")) return a.slice(a.indexOf("=") + 1);
      if (i + 1 >= argv.length) throw new Error(`bench: ${a} needs a value`);
      return argv[++i];
    };
    const list = (s) => s.split(",").map((x) => x.trim()).filter(Boolean);
    if (a === "--quick") o.quick = true;
    else if (a === "--jit-w1") o.jitW1 = true;
    else if (a.startsWith("--only")) o.only = list(val());
    else if (a.startsWith("--systems")) o.systems = list(val());
    else if (a.startsWith("--out")) o.out = val();
    else if (a.startsWith("--child")) o.child = val();
    else if (a.startsWith("--result")) o.result = val();
    else if (a === "--help" || a === "-h") {
      console.log("usage: node bench/run.mjs [--quick] [--only W1,W4-f32,...] [--systems chainrule,tfjs-cpu,tfjs-wasm,jaxjs-eager,jaxjs-jit] [--out FILE] [--jit-w1]");
      process.exit(0);
    } else throw new Error(`bench: unknown argument ${a} (try --help)`);
  }
  return o;
}

/** `--only W4` selects W4-f32 and W4-f64; `--only W4-f64` just that row. */
function selectWorkloads(only) {
  if (!only) return WORKLOADS.map((w) => w.id);
  const ids = WORKLOADS.map((w) => w.id).filter((id) => only.some((o) => id === o || id.startsWith(`${o}-`)));
  if (ids.length === 0) throw new Error(`bench: --only ${only.join(",")} matches no workload (${WORKLOADS.map((w) => w.id).join(", ")})`);
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Child: one system, the selected workloads, results to a JSON file.

async function runChild(opts) {
  const sys = SYSTEMS.find((s) => s.id === opts.child);
  const pol = policy(opts.quick);
  const out = { system: sys.id, results: {}, extras: [] };
  const save = () => writeFileSync(opts.result, JSON.stringify(out));
  try {
    const mod = await import(pathToFileURL(path.join(here, "workloads", sys.module)).href);
    const made = await mod.create(sys.variant);
    out.info = made.info;
    // The eager micro-benchmarks run first, in a process that has done nothing else: after the
    // workloads' mixed dtypes and tracers, the ops' call sites are polymorphic and a 0-d add
    // costs about 1.5x more (measured: ~20 ns fresh, ~30-35 ns after W1-W7).
    if (made.extras && (!opts.only || opts.only.includes("extras") || opts.only.includes("W1"))) {
      try {
        for (const row of await made.extras(pol)) {
          out.extras.push(row.samples ? { id: row.id, unit: row.unit, ...summarize(row.samples, { scale: row.scale }) } : { id: row.id, unit: row.unit, median: row.value });
        }
      } catch (e) {
        out.extras.push({ id: "extras", na: `error: ${firstLine(e)}` });
      }
    }
    for (const id of selectWorkloads(opts.only)) {
      globalThis.gc?.();
      const t0 = performance.now();
      let r;
      try {
        const res = await made.workloads[id](pol, { jitW1: opts.jitW1 });
        r = { ...summarize(res.samples, { scale: res.scale ?? 1 }), check: res.check, note: res.note };
      } catch (e) {
        r = { na: e instanceof NotAvailable ? e.message : `error: ${firstLine(e)}` };
      }
      out.results[id] = r;
      save();
      const shown = r.na ? `n/a (${r.na})` : `${fmt(r.median)} (${r.reps} reps)`;
      process.stderr.write(`  ${sys.id.padEnd(12)} ${id.padEnd(7)} ${shown}  [${((performance.now() - t0) / 1000).toFixed(1)} s]\n`);
    }
  } catch (e) {
    out.fatal = `error: ${firstLine(e)}`;
  }
  save();
}

function firstLine(e) {
  const msg = e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  return msg.split("\n")[0].slice(0, 160);
}

// ---------------------------------------------------------------------------------------------
// Parent: spawn the children one after the other, gather, print, write.

function runSystem(sys, opts, tmpDir) {
  const result = path.join(tmpDir, `${sys.id}.json`);
  // A 3.9 MB JS stack (Node's default is about 1 MB; the OS gives the main thread 8 MB) for
  // every system alike: jax-js's eager W1 recurses through its lazy 5,000-op expression.
  const args = ["--expose-gc", "--stack-size=3900", fileURLToPath(import.meta.url), "--child", sys.id, "--result", result];
  if (opts.quick) args.push("--quick");
  if (opts.jitW1) args.push("--jit-w1");
  if (opts.only) args.push("--only", opts.only.join(","));
  const limitMs = (opts.quick ? 150 : 360) * 1000;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      let data = { system: sys.id, results: {}, extras: [] };
      if (existsSync(result)) data = JSON.parse(readFileSync(result, "utf8"));
      if (code !== 0 || signal) data.fatal ??= signal === "SIGKILL" ? `killed after ${limitMs / 1000} s` : `process exited with ${signal ?? code}`;
      resolve(data);
    });
  });
}

function fmt(x) {
  if (x == null || !Number.isFinite(x)) return "—";
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  if (x >= 1) return x.toFixed(2);
  return x.toPrecision(2);
}

function cell(r, w) {
  if (!r) return "n/a (not run)";
  if (r.na) return `n/a (${r.na})`;
  const gf = w.flops ? ` (${fmt(w.flops / (r.median * 1e-3) / 1e9)} GF/s)` : "";
  return `${fmt(r.median)}${gf}`;
}

function ratio(a, b) {
  if (!a || !b || a.na || b.na || a.median == null || b.median == null) return "—";
  const q = a.median / b.median;
  return q >= 10 ? q.toFixed(0) : q >= 1 ? q.toFixed(1) : q.toPrecision(2);
}

/** chainrule's better result of its two modes (eager, jit) for a workload. */
function bestChainrule(bySystem, id) {
  const rs = ["chainrule", "chainrule-jit"].map((k) => bySystem[k]?.results?.[id]).filter((r) => r && !r.na && r.median != null);
  if (rs.length === 0) return bySystem.chainrule?.results?.[id] ?? bySystem["chainrule-jit"]?.results?.[id];
  // Lower is better for every unit but GFLOP/s rows, whose medians are times too (ms).
  return rs.reduce((a, b) => (b.median < a.median ? b : a));
}

function table(ids, systems, bySystem) {
  const peers = systems.filter((s) => !s.id.startsWith("chainrule"));
  const hasCr = systems.some((s) => s.id.startsWith("chainrule"));
  const head = ["workload", "unit", ...systems.map((s) => s.label), ...(hasCr ? peers.map((s) => `cr/${s.label}`) : [])];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`];
  for (const id of ids) {
    const w = WORKLOADS.find((x) => x.id === id);
    const rs = systems.map((s) => bySystem[s.id]?.results?.[id]);
    const cr = bestChainrule(bySystem, id);
    const row = [w.label, w.unit, ...rs.map((r) => cell(r, w)), ...(hasCr ? peers.map((s) => ratio(cr, bySystem[s.id]?.results?.[id])) : [])];
    lines.push(`| ${row.join(" | ")} |`);
  }
  const notes = [];
  for (const s of systems) {
    for (const id of ids) {
      const note = bySystem[s.id]?.results?.[id]?.note;
      if (note) notes.push(`${s.label} ${id}: ${note}`);
    }
    if (bySystem[s.id]?.fatal) notes.push(`${s.label}: ${bySystem[s.id].fatal}`);
  }
  if (notes.length) lines.push("", `Notes: ${notes.join("; ")}.`);
  return lines.join("\n");
}

/** The systems' check values for each workload, and their largest relative spread. */
function checks(ids, systems, bySystem) {
  const lines = [];
  for (const id of ids) {
    const vals = systems.map((s) => [s.id, bySystem[s.id]?.results?.[id]?.check]).filter(([, v]) => typeof v === "number");
    if (vals.length === 0) continue;
    const xs = vals.map(([, v]) => v);
    const scale = Math.max(...xs.map(Math.abs), 1e-30);
    const spread = (Math.max(...xs) - Math.min(...xs)) / scale;
    lines.push(`${id.padEnd(7)} spread ${spread.toExponential(1)}  ${vals.map(([s, v]) => `${s}=${v.toPrecision(7)}`).join("  ")}`);
  }
  return lines.join("\n");
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

function commandLine() {
  const args = process.argv.slice(2).join(" ");
  if (process.env.npm_lifecycle_event === "bench") return `npm run bench${args ? ` -- ${args}` : ""}`;
  return `node bench/run.mjs ${args}`.trim();
}

/** The commit of the tree measured, "+dirty" when it has uncommitted changes (read-only git). */
function gitCommit() {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`, node: process.version, v8: process.versions.v8,
  };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.child) return runChild(opts);
  const ids = selectWorkloads(opts.only);
  const systems = opts.systems ? SYSTEMS.filter((s) => opts.systems.includes(s.id)) : SYSTEMS;
  if (systems.length === 0) throw new Error(`bench: --systems matches none of ${SYSTEMS.map((s) => s.id).join(", ")}`);
  if (!existsSync(path.join(root, "dist", "index.js"))) throw new Error("bench: dist/ is missing; run `npm run build` first (npm run bench does)");
  const started = new Date();
  const m = machine();
  console.log(`chainrule bench: ${m.cpu}, ${m.cores} cores, Node ${m.node}; ${opts.quick ? "quick" : "full"} run; workloads ${ids.join(", ")}`);
  const tmpDir = path.join(here, "results", `run-${process.pid}.tmp`);
  mkdirSync(tmpDir, { recursive: true });
  const bySystem = {};
  for (const sys of systems) {
    const t0 = performance.now();
    console.error(`[${sys.label}]`);
    bySystem[sys.id] = await runSystem(sys, opts, tmpDir);
    if (bySystem[sys.id].fatal) console.error(`  ${sys.id} failed: ${bySystem[sys.id].fatal}`);
    console.error(`  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  rmSync(tmpDir, { recursive: true, force: true });

  const md = table(ids, systems, bySystem);
  console.log(`\nMedians (ratio = chainrule time / peer time, chainrule's better mode of eager and jit: below 1, chainrule is faster)\n\n${md}\n`);
  const extras = bySystem.chainrule?.extras ?? [];
  if (extras.length) {
    console.log("chainrule only\n");
    for (const e of extras) console.log(`  ${e.id.padEnd(32)} ${e.na ? `n/a (${e.na})` : `${fmt(e.median)} ${e.unit}`}`);
    console.log("");
  }
  console.log(`Check values (same numbers in every system; float32 systems agree to ~1e-3):\n${checks(ids, systems, bySystem)}\n`);

  const report = {
    date: started.toISOString(), durationS: +((Date.now() - started) / 1000).toFixed(1),
    command: commandLine(), commit: gitCommit(),
    machine: m, policy: { ...policy(opts.quick), quick: opts.quick, processes: "one child process per system, run one after the other" },
    versions: { chainrule: JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version, "@tensorflow/tfjs-core": version("@tensorflow/tfjs-core"), "@tensorflow/tfjs-backend-wasm": version("@tensorflow/tfjs-backend-wasm"), "@jax-js/jax": version("@jax-js/jax") },
    workloads: WORKLOADS.filter((w) => ids.includes(w.id)),
    systems: Object.fromEntries(systems.map((s) => [s.id, bySystem[s.id]])),
    table: md,
  };
  const out = opts.out ?? path.join(here, "results", "latest.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)} (${report.durationS} s)`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
