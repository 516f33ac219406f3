import { z } from "zod";
import { modelSchema } from "./modelSchema.js";

/** Stable identifier editors and other schemas can refer to. */
export const MODEL_SCHEMA_ID = "urn:capsim:schema:model";

/** Draft-07 as for the scenario schema (yaml-language-server supports 7 and below); input side keeps defaults optional. */
export function modelJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(modelSchema, { target: "draft-7", io: "input" }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return { $schema, $id: MODEL_SCHEMA_ID, title: "capsim model", ...rest };
}

/** The committed file's exact text: 2-space JSON plus a trailing newline. */
export function modelJsonSchemaText(): string {
  return `${JSON.stringify(modelJsonSchema(), null, 2)}\n`;
}
