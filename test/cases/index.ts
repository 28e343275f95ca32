// Every family's gradient-check cases (each family owns its file).
import type { GradCase } from "./types.js";
import { coreCases } from "./core.js";
import { cases as elementwise } from "./elementwise.js";
import { cases as reduce } from "./reduce.js";
import { cases as products } from "./products.js";
import { cases as shape } from "./shape.js";
import { cases as construct } from "./construct.js";
import { cases as indexing } from "./indexing.js";
import { cases as misc } from "./misc.js";
import { cases as nn } from "./nn.js";

export const allCases: GradCase[] = [...coreCases, ...elementwise, ...reduce, ...products, ...shape, ...construct, ...indexing, ...misc, ...nn];
