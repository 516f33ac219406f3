// Regenerates schema/scenario.schema.json: `npx tsx src/scenario/writeSchema.ts`.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { scenarioJsonSchemaText } from "./jsonSchema.js";

/** Committed location, relative to this file in both src/ and dist/. */
const SCENARIO_SCHEMA_PATH = fileURLToPath(new URL("../../schema/scenario.schema.json", import.meta.url));

mkdirSync(dirname(SCENARIO_SCHEMA_PATH), { recursive: true });
writeFileSync(SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText());
console.log(`wrote ${SCENARIO_SCHEMA_PATH}`);
