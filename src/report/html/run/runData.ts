import { z } from "zod";

const finiteOrNull = z.number().nullable();
// The sizing answer's intervals (src/run/usersAt.ts, src/uncertainty/usersPrediction.ts); absent before them.
const usersCi = z.tuple([z.number(), z.number()]).nullable().optional();
const usersPrediction = z
  .object({
    low: z.number(),
    high: z.number(),
    level: z.number(),
    not_offered_draws: z.number(),
    saturated_draws: z.number(),
    of: z.number(),
  })
  .nullable()
  .optional();

/** The parts of summary.json (RunSummary, docs/output.md) the run report draws; extra keys are kept. */
export const runSummarySchema = z.looseObject({
  capsim_version: z.string(),
  scenario: z.object({ name: z.string(), file: z.string(), sha256: z.string() }),
  model: z.object({ name: z.string(), file: z.string(), sha256: z.string() }),
  coder_mechanisms: z.object({ metadata_path: z.string(), agent_transport: z.string() }).optional(),
  seed: z.number(),
  replications: z.number(),
  simulated_seconds: z.number(),
  wall_seconds: z.number().optional(),
  events: z.number().optional(),
  metrics: z.array(
    z.object({
      name: z.string(),
      stage: z.string().nullable(),
      unit: z.string(),
      mean: finiteOrNull,
      ci95: z.tuple([z.number(), z.number()]).nullable(),
      // Summaries from before issue 12, or run with --prediction-draws 0, have none.
      prediction: z
        .object({
          low: z.number(),
          high: z.number(),
          level: z.number(),
          // What saturated draws make of it (src/uncertainty/saturatedDraws.ts); absent before.
          saturated_draws: z.number().optional(),
          saturated_top: z.boolean().optional(),
          unbounded: z.boolean().optional(),
          unsaturated: z.object({ low: z.number(), high: z.number() }).nullable().optional(),
        })
        .nullable()
        .optional(),
    }),
  ),
  resources: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      servers: z.number(),
      utilization: z.number(),
      background_utilization: z.number(),
      throughput_per_s: z.number(),
      mean_service_s: z.number(),
      mean_response_s: z.number(),
      mean_in_system: z.number(),
    }),
  ),
  bottleneck: z.object({
    resource: z.string(),
    utilization: z.number(),
    users_at_80pct: finiteOrNull,
    users_at_100pct: finiteOrNull,
    users_at_80pct_ci95: usersCi,
    users_at_100pct_ci95: usersCi,
    users_ci95_note: z.string().nullable().optional(),
    users_at_80pct_prediction: usersPrediction,
    users_at_100pct_prediction: usersPrediction,
    method: z.string(),
    // The window verdict (src/run/verdict.ts); absent in summaries written before it.
    window: z.string().nullable().optional(),
    saturated: z.array(z.string()).optional(),
  }),
  // The draws behind the predictions (src/uncertainty/prediction.ts); absent or null without them.
  prediction: z.looseObject({ draws: z.number() }).nullable().optional(),
  stages: z.array(z.object({ name: z.string(), start_s: z.number(), end_s: z.number() })),
  // Why there is no prediction interval, and the command for one (src/uncertainty/predictionOff.ts).
  prediction_off: z
    .object({
      source: z.enum(["scenario", "flag"]),
      command: z.string(),
      draws: z.number(),
      estimated_wall_seconds: z.object({ low: z.number(), high: z.number() }),
    })
    .optional(),
  // The monthly cost (src/cost); absent in summaries written before it.
  cost: z
    .object({
      currency: z.string(),
      per_month: z.object({ total: z.number(), components: z.record(z.string(), z.number()) }),
      assumptions: z.array(z.string()),
    })
    .optional(),
});

export type RunSummaryData = z.infer<typeof runSummarySchema>;

/** timeseries.csv as columns: time and stage, then one numeric column per series (null = no data). */
export interface TimeseriesColumns {
  timeSeconds: number[];
  stage: string[];
  columns: Map<string, (number | null)[]>;
}

/** One row of a configuration table: a dotted path, its value, and where the value comes from. */
export interface ConfigRow {
  path: string;
  value: string;
  source?: string;
}

/** Everything the run report draws. */
export interface RunReportData {
  summary: RunSummaryData;
  timeseries: TimeseriesColumns;
  /** The resolved scenario, when known to be the one that ran. */
  scenarioRows?: ConfigRow[];
  modelRows?: ConfigRow[];
  /** Why a table is missing, shown instead of it. */
  scenarioNote?: string;
  modelNote?: string;
  /** Where the data came from (a results directory), shown in the header. */
  source: string;
}
