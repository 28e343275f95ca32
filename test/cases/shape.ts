import type { GradCase } from "./types.js";

export const cases: GradCase[] = [];
