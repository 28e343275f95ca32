// The register-blocked micro-kernel: an MR x NR tile of C (NR = NV vectors) accumulated over kc
// packed steps. Per step it loads NV vectors of the packed B sliver, splats MR scalars of the
// packed A panel, and does MR * NV vector multiplies and adds into MR * NV = 8 accumulators
// (plain Wasm SIMD has no fused multiply-add; relaxed SIMD's is used where the runtime has it).
import { MR, NV, locals, range } from "./common.mjs";

/**
 * k steps per loop iteration. Each step ends with its own exit test: TurboFan hoists every load of
 * a basic block to its top, and four steps' loads in one block would spill the accumulators; the
 * tests split the block (one fused compare-and-branch each), amortise the back-edge stack check
 * and pointer bumps, and make a remainder loop unnecessary.
 */
const UNROLL = 4;

const acc = (r, v) => `$c${r}_${v}`;

function step(d, u, fma) {
  const NR = NV * d.L;
  const out = [];
  for (const v of range(NV)) out.push(`(local.set $b${v} (v128.load offset=${(u * NR + v * d.L) * d.E} (local.get $pb)))`);
  for (const r of range(MR)) {
    out.push(`(local.set $a (${d.splat} offset=${(u * MR + r) * d.E} (local.get $pa)))`);
    for (const v of range(NV)) {
      const c = acc(r, v);
      out.push(
        fma
          ? `(local.set ${c} (${d.vec}.relaxed_madd (local.get $a) (local.get $b${v}) (local.get ${c})))`
          : `(local.set ${c} (${d.vec}.add (local.get ${c}) (${d.vec}.mul (local.get $a) (local.get $b${v}))))`,
      );
    }
  }
  return out;
}

/**
 * (func $kernel_T (kc, pa, pb, pc, ldc, accumulate)): pa/pb are byte addresses of the packed A
 * panel (MR per step) and B sliver (NR per step); pc the tile's top-left in C, ldc C's row pitch
 * in bytes. Overwrites the tile, or adds to it when `accumulate` is nonzero (later k blocks).
 * With `fma`, each multiply-add is one relaxed-SIMD `relaxed_madd` (a fused multiply-add where
 * the hardware has one): half the floating-point instructions, for runtimes with relaxed SIMD.
 */
export function kernelWat(d, fma = false) {
  const NR = NV * d.L;
  const accs = range(MR).flatMap((r) => range(NV).map((v) => acc(r, v)));
  const body = [];
  // $end is the address of A's last step plus one; $stop[u] the last address at which step u
  // still has a successor.
  body.push(`(local.set $end (i32.add (local.get $pa) (i32.mul (local.get $kc) (i32.const ${MR * d.E}))))`);
  for (const u of range(UNROLL - 1)) body.push(`(local.set $stop${u} (i32.sub (local.get $end) (i32.const ${(u + 1) * MR * d.E})))`);
  body.push(`(block $done (loop $main`);
  for (const u of range(UNROLL)) {
    body.push(...step(d, u, fma));
    if (u < UNROLL - 1) body.push(`(br_if $done (i32.ge_u (local.get $pa) (local.get $stop${u})))`);
  }
  body.push(
    `(local.set $pa (i32.add (local.get $pa) (i32.const ${UNROLL * MR * d.E})))`,
    `(local.set $pb (i32.add (local.get $pb) (i32.const ${UNROLL * NR * d.E})))`,
    `(br_if $main (i32.lt_u (local.get $pa) (local.get $end)))))`,
  );
  // Row pointers of the tile in C.
  const rowPtr = (r) => `$r${r}`;
  body.push(`(local.set ${rowPtr(0)} (local.get $pc))`);
  for (const r of range(MR).slice(1)) body.push(`(local.set ${rowPtr(r)} (i32.add (local.get ${rowPtr(r - 1)}) (local.get $ldc)))`);
  const addOld = [];
  for (const r of range(MR))
    for (const v of range(NV)) {
      const c = acc(r, v);
      addOld.push(`(local.set ${c} (${d.vec}.add (local.get ${c}) (v128.load offset=${v * 16} (local.get ${rowPtr(r)}))))`);
    }
  body.push(`(if (local.get $accumulate) (then`, ...addOld, `))`);
  for (const r of range(MR)) for (const v of range(NV)) body.push(`(v128.store offset=${v * 16} (local.get ${rowPtr(r)}) (local.get ${acc(r, v)}))`);
  return [
    `(func $kernel_${d.t} (param $kc i32) (param $pa i32) (param $pb i32) (param $pc i32) (param $ldc i32) (param $accumulate i32)`,
    `  ${locals(accs, "v128")} ${locals(range(NV).map((v) => `$b${v}`), "v128")} (local $a v128)`,
    `  (local $end i32) ${locals(range(UNROLL - 1).map((u) => `$stop${u}`), "i32")} ${locals(range(MR).map(rowPtr), "i32")}`,
    ...body.map((l) => "  " + l),
    `)`,
  ].join("\n");
}
