import type { RefCase } from "../helpers/reference.js";

/** The reference families under test, with an optional filter (each exclusion says why). */
export const referenceFamilies: { family: string; filter?: (c: RefCase) => boolean }[] = [];
