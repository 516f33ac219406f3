import { z } from "zod";

/** The request classes a client waits on (the others are coderd's own work, with no client). */
export const CLIENT_CLASS_NAMES = [
  "agent_metadata",
  "agent_stats",
  "agent_reconnect",
  "dashboard_api",
  "workspace_build_request",
  "workspace_connection_setup",
  "api_client_call",
  "insights_query",
] as const;

const param = (description: string) =>
  z
    .strictObject({
      value: z.number().positive().describe(description),
      source: z.string().min(1).describe("Where the value comes from: a Coder source file, or why assumed"),
    })
    .describe(description);

const clientSchema = z
  .strictObject({
    timeout_s: param("The client gives up this long after sending (its deadline or the proxy's), seconds"),
    retry_initial_s: param(
      "First wait before retrying after a timeout (coder/retry floor), seconds",
    ).optional(),
    retry_max_s: param("Longest wait between retries (coder/retry ceiling), seconds").optional(),
    retries: param(
      "Most retries after the first attempt (absent with a backoff: until it succeeds)",
    ).optional(),
    agent_transports: z
      .array(z.enum(["http", "drpc"]))
      .min(1)
      .optional()
      .describe(
        "Agent API transports the policy holds for (absent: all); a dRPC call rides the agent's websocket, which no proxy times out",
      ),
  })
  .refine((c) => (c.retry_initial_s === undefined) === (c.retry_max_s === undefined), {
    message: "retry_initial_s and retry_max_s go together",
  })
  .refine((c) => c.retries === undefined || c.retry_initial_s !== undefined, {
    message: "retries needs retry_initial_s and retry_max_s",
  })
  .describe("One request class's client: its timeout and, if it retries, its backoff");

export const overloadSchema = z
  .strictObject(
    Object.fromEntries(CLIENT_CLASS_NAMES.map((name) => [name, clientSchema.optional()])) as Record<
      (typeof CLIENT_CLASS_NAMES)[number],
      z.ZodOptional<typeof clientSchema>
    >,
  )
  .optional()
  .describe(
    "Clients' timeouts and retries by request class (absent: every client waits however long coderd takes)",
  );

export type OverloadSpec = z.output<typeof overloadSchema>;
