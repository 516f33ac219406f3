import { z } from "zod";
import { scenarioSchema } from "./schema.js";

/** Stable identifier editors and other schemas can refer to. */
export const SCENARIO_SCHEMA_ID = "urn:capsim:schema:scenario";

/** Draft-07 because yaml-language-server supports "JSON Schema 7 and below"; input side keeps defaults optional. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(scenarioSchema, { target: "draft-7", io: "input" }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return { $schema, $id: SCENARIO_SCHEMA_ID, title: "capsim scenario", ...rest };
}

/** The committed file's exact text: 2-space JSON plus a trailing newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
