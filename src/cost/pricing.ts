import type { Instance, Offering } from "./priceSchema.js";

/** Hours in a month as cloud price pages count them (365 x 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** An hourly price and how it was reached (for the assumptions list). */
export interface Hourly {
  hourly: number;
  basis: string;
}

const EPS = 1e-9;
const share = (i: Instance, vcpu: number, gb: number) => Math.max(vcpu / i.vcpu, gb / i.memory_gb);

/**
 * What a pod of `vcpu` and `gb` costs per hour on a family: per-unit prices where published, else its
 * share of an instance (the larger of its CPU and memory shares), on the instance cheapest for it.
 * Null when the offering is unsourced.
 */
export function podHourly(o: Offering, vcpu: number, gb: number): Hourly | null {
  if (o.vcpu_hour && o.gb_hour)
    return { hourly: vcpu * o.vcpu_hour.value + gb * o.gb_hour.value, basis: "per vCPU-hour and GB-hour" };
  if (!o.instances) return null;
  let best: { i: Instance; cost: number } | undefined;
  for (const i of o.instances) {
    const cost = share(i, vcpu, gb) * i.hour.value;
    if (!best || cost < best.cost) best = { i, cost };
  }
  return {
    hourly: best!.cost,
    basis: `its share of a ${best!.i.name} (the larger of its vCPU and memory shares)`,
  };
}

/**
 * What one whole machine of at least `vcpu` and `gb` costs per hour (a node, a database instance): the
 * cheapest listed instance that holds it; past the largest, that one scaled linearly (labelled).
 */
export function machineHourly(o: Offering, vcpu: number, gb: number): Hourly | null {
  if (o.vcpu_hour && o.gb_hour) return podHourly(o, vcpu, gb);
  if (!o.instances) return null;
  const fits = o.instances
    .filter((i) => i.vcpu + EPS >= vcpu && i.memory_gb + EPS >= gb)
    .sort((a, b) => a.hour.value - b.hour.value)[0];
  if (fits)
    return { hourly: fits.hour.value, basis: `a ${fits.name} (${fits.vcpu} vCPU, ${fits.memory_gb} GB)` };
  const largest = [...o.instances].sort((a, b) => b.vcpu * b.memory_gb - a.vcpu * a.memory_gb)[0]!;
  const k = share(largest, vcpu, gb);
  return {
    hourly: k * largest.hour.value,
    basis: `${Math.round(k * 100) / 100} x a ${largest.name}, the largest listed (extrapolated linearly: no listed size holds ${vcpu} vCPU and ${gb} GB)`,
  };
}

/** Sources of an offering's prices, one line. */
export function offeringSources(o: Offering): string {
  const prices = [o.vcpu_hour, o.gb_hour, ...(o.instances ?? []).map((i) => i.hour)].filter(
    (p) => p !== undefined,
  );
  const seen = new Set(prices.map((p) => `${p.source} (${p.region}, read ${p.read_on})`));
  return [...seen].join("; ");
}
