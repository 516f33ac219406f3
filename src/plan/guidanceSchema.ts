import { z } from "zod";

const sizeSchema = z.strictObject({
  vcpu: z.number().positive(),
  memory_gb: z.number().positive(),
});
const podsSchema = sizeSchema.extend({ replicas: z.int().positive() });

const tierSchema = z
  .strictObject({
    name: z.string().min(1),
    users: z.int().positive(),
    running_workspaces: z.int().nonnegative(),
    concurrent_builds: z.int().nonnegative(),
    coderd: podsSchema,
    provisioner: podsSchema,
    database: sizeSchema,
  })
  .describe("One validated reference architecture, as published");

/** Coder's published sizing guidance (models/guidance/coder-sizing.yaml). */
export const guidanceSchema = z.strictObject({
  reference_architectures: z.strictObject({
    source: z.string().min(1),
    tiers: z
      .array(tierSchema)
      .min(1)
      .refine(
        (t) => t.every((a, i) => i === 0 || a.users > t[i - 1]!.users),
        "tiers must be in increasing order of users",
      ),
  }),
  rules_of_thumb: z.strictObject({
    source: z.string().min(1),
    coderd: z.strictObject({
      users_per_vcpu: z.number().positive(),
      memory_gb_per_vcpu: z.number().positive(),
      max_replica_vcpu: z.number().positive(),
    }),
    provisioner: z.strictObject({
      vcpu_per_build: z.number().positive(),
      memory_gb_per_build: z.number().positive(),
    }),
    database: z.strictObject({
      base_vcpu: z.number().positive(),
      vcpu_per_1000_active_users: z.number().nonnegative(),
      memory_gb_per_vcpu: z.number().positive(),
    }),
  }),
});
export type Guidance = z.output<typeof guidanceSchema>;
export type ReferenceTier = Guidance["reference_architectures"]["tiers"][number];
