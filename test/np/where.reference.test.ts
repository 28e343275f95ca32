// shape.json's `where` cases (the other names of that file have their families' suites).
import { referenceSuite } from "../helpers/reference.js";

referenceSuite("shape", (c) => c.name === "where");
