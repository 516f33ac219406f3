import { z } from "zod";

/** One published price: the number, where it was read, for which region, and when. */
export const priceSchema = z
  .strictObject({
    value: z.number().min(0).describe("The price in the table's currency"),
    source: z.url().describe("The provider's public pricing page"),
    region: z.string().min(1).describe("Region the price is for"),
    read_on: z.iso.date().describe("Date the price was read, YYYY-MM-DD"),
    note: z.string().optional().describe("How it was read, and anything it leaves out"),
  })
  .describe("A published price with its provenance");
export type Price = z.output<typeof priceSchema>;

/** An instance type of a family, priced per hour. */
export const instanceSchema = z
  .strictObject({
    name: z.string().min(1),
    vcpu: z.number().positive(),
    memory_gb: z.number().positive(),
    hour: priceSchema.describe("Price per instance-hour"),
  })
  .describe("An instance type and its price per hour");
export type Instance = z.output<typeof instanceSchema>;

/**
 * What a family of machines (or a managed database) costs: per vCPU-hour and GB-hour where the
 * provider publishes it that way, or per instance-hour of listed sizes. `unsourced` marks an offering
 * capsim has no published price for; it prices nothing.
 */
export const offeringSchema = z
  .strictObject({
    description: z.string().optional(),
    vcpu_hour: priceSchema.optional().describe("Price per vCPU-hour"),
    gb_hour: priceSchema.optional().describe("Price per GB-hour of memory"),
    instances: z.array(instanceSchema).min(1).optional().describe("Instance sizes and their hourly prices"),
    unsourced: z.string().optional().describe("Why there is no price: no published source was found"),
  })
  .superRefine((o, ctx) => {
    const perUnit = o.vcpu_hour !== undefined || o.gb_hour !== undefined;
    const kinds = [perUnit, o.instances !== undefined, o.unsourced !== undefined].filter(Boolean).length;
    if (kinds !== 1)
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "give exactly one of: vcpu_hour and gb_hour, instances, or unsourced",
      });
    else if (perUnit && (o.vcpu_hour === undefined || o.gb_hour === undefined))
      ctx.addIssue({ code: "custom", path: [], message: "vcpu_hour and gb_hour go together" });
  })
  .describe("A machine family or managed database offering and how it is priced");
export type Offering = z.output<typeof offeringSchema>;

const offeringTable = (what: string) =>
  z
    .strictObject({
      default: z.string().min(1).describe(`The ${what} used unless the scenario says otherwise`),
      offerings: z.record(z.string().min(1), offeringSchema),
    })
    .superRefine((t, ctx) => {
      if (!(t.default in t.offerings))
        ctx.addIssue({
          code: "custom",
          path: ["default"],
          message: `no offering named "${t.default}" (have ${Object.keys(t.offerings).join(", ")})`,
        });
    });

export const priceTableSchema = z
  .strictObject({
    cloud: z.string().min(1).describe("Which cloud (gke, eks, aks, or an operator's own name)"),
    currency: z.string().regex(/^[A-Z]{3}$/, { error: "expected an ISO 4217 code like USD" }),
    description: z.string().optional(),
    compute: offeringTable("machine family").describe(
      "Machine families for coderd, provisioners, workspace proxies and workspace nodes",
    ),
    database: offeringTable("managed PostgreSQL offering").describe("Managed PostgreSQL offerings"),
    control_plane: z
      .strictObject({ cluster_hour: priceSchema.optional(), unsourced: z.string().optional() })
      .optional()
      .describe("The managed Kubernetes control-plane fee, per cluster-hour"),
  })
  .describe("A price table: what compute, managed PostgreSQL and the control plane cost");
export type PriceTable = z.output<typeof priceTableSchema>;
