import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { commandModules } from "../../src/cli/commands.js";

/** commander appends "(default: x)" itself to an option with a default value: the text must not say it again. */
describe("--help of every subcommand", () => {
  it("states each option's default once", () => {
    const program = new Command();
    for (const register of commandModules) register(program);
    const repeated = program.commands.flatMap((command) =>
      command.options
        .filter((o) => o.defaultValue !== undefined && /\(default[ :]/.test(o.description))
        .map((o) => `${command.name()} ${o.long}: ${o.description}`),
    );
    expect(repeated).toEqual([]);
  });
});
