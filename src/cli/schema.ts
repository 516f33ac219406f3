import type { Command } from "commander";
import { scenarioJsonSchemaText } from "../scenario/index.js";

export function registerSchema(program: Command): void {
  program
    .command("schema")
    .description("Print the scenario JSON Schema (draft-07) that editors use to complete and check keys")
    .action(() => {
      process.stdout.write(scenarioJsonSchemaText());
    });
}
