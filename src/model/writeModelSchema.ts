// Regenerates schema/model.schema.json: `npx tsx src/model/writeModelSchema.ts`.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { modelJsonSchemaText } from "./modelJsonSchema.js";

/** Committed location, relative to this file in both src/ and dist/. */
const MODEL_SCHEMA_PATH = fileURLToPath(new URL("../../schema/model.schema.json", import.meta.url));

mkdirSync(dirname(MODEL_SCHEMA_PATH), { recursive: true });
writeFileSync(MODEL_SCHEMA_PATH, modelJsonSchemaText());
console.log(`wrote ${MODEL_SCHEMA_PATH}`);
