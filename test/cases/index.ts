// Every family's gradient-check cases. A family adds its file here.
import type { GradCase } from "./types.js";
import { coreCases } from "./core.js";

export const allCases: GradCase[] = [...coreCases];
