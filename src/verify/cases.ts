import { md1, mg1 } from "../analytic/mg1.js";
import { mmc } from "../analytic/mmc.js";
import { psWithBackgroundLoad } from "../analytic/ps.js";
import { jacksonTandem } from "../analytic/tandem.js";
import { deterministic, exponential, lognormalFromMeanCv } from "../engine/random/distributions.js";
import type { Distribution } from "../engine/random/types.js";
import type { Discipline, OpenNetworkSpec } from "./openNetwork.js";

export type ServiceKind = "exp" | "det" | "lognormal";

/** Coefficient of variation of the lognormal service: c_s² = 2.25, clearly not exponential. */
export const LOGNORMAL_CV = 1.5;
/** Every case uses a mean service of one second, so λ = ρ·c (minus background). */
export const MEAN_SERVICE_SECONDS = 1;

/** A queue the simulator runs and the exact closed form it must reproduce. */
export interface VerifyCase {
  /** Short stable name, also part of the seed. */
  id: string;
  network: Omit<OpenNetworkSpec, "measuredCustomers" | "warmupCustomers">;
  /** Utilisation of the busiest station, including background. */
  utilization: number;
  analytic: { meanWaitSeconds: number; meanResponseSeconds: number; formula: string };
}

export interface QueueCaseOptions {
  discipline: Discipline;
  servers: number;
  /** Total utilisation ρ, including background. */
  utilization: number;
  service: ServiceKind;
  /** PS only: background load on the cores, vCPU. @default 0 */
  backgroundVcpu?: number;
}

/** Why a queue has no exact closed form here (FCFS with several servers and non-exponential service). */
export class NoClosedFormError extends Error {}

export function serviceDistribution(kind: ServiceKind): Distribution {
  switch (kind) {
    case "exp":
      return exponential(MEAN_SERVICE_SECONDS);
    case "det":
      return deterministic(MEAN_SERVICE_SECONDS);
    case "lognormal":
      return lognormalFromMeanCv(MEAN_SERVICE_SECONDS, LOGNORMAL_CV);
  }
}

/** Kendall letter of the service distribution. */
function kendall(kind: ServiceKind): string {
  return kind === "exp" ? "M" : kind === "det" ? "D" : "G";
}

/** One queue: M/M/c (Erlang C), M/D/1 and M/G/1 (Pollaczek–Khinchine), or M/G/c-PS (insensitive). */
export function queueCase(options: QueueCaseOptions): VerifyCase {
  const { discipline, servers, utilization, service } = options;
  const background = options.backgroundVcpu ?? 0;
  const dist = serviceDistribution(service);
  const mean = dist.mean;
  const arrivalRate = (utilization * servers - background) / mean;
  const name = `M/${kendall(service)}/${servers}${discipline === "ps" ? "-PS" : ""}`;
  const detail = service === "lognormal" ? ` lognormal cv=${LOGNORMAL_CV}` : "";
  const bg = background > 0 ? ` bg=${background}` : "";
  const id = `${name}${detail} rho=${utilization}${bg}`;
  const network = {
    arrivalRatePerSecond: arrivalRate,
    stations: [{ discipline, servers, service: dist, backgroundVcpu: background }],
  };
  if (discipline === "ps") {
    const ps = psWithBackgroundLoad(arrivalRate, mean, servers, background);
    return {
      id,
      network,
      utilization,
      analytic: {
        meanWaitSeconds: ps.meanResponseSeconds - mean,
        meanResponseSeconds: ps.meanResponseSeconds,
        formula: background > 0 ? "PS with background (Cohen 1979)" : "M/G/c-PS = M/M/c chain (insensitive)",
      },
    };
  }
  if (background > 0) throw new NoClosedFormError("background load applies to --discipline ps only");
  if (service === "exp") {
    const m = mmc(arrivalRate, 1 / mean, servers);
    return {
      id,
      network,
      utilization,
      analytic: { ...pick(m), formula: servers === 1 ? "M/M/1" : "Erlang C" },
    };
  }
  if (servers !== 1) {
    throw new NoClosedFormError(
      `FCFS with ${servers} servers and ${service} service has no exact closed form; use --servers 1, --service exp or --discipline ps`,
    );
  }
  const m =
    service === "det" ? md1(arrivalRate, 1 / mean) : mg1(arrivalRate, mean, dist.variance / (mean * mean));
  return { id, network, utilization, analytic: { ...pick(m), formula: "Pollaczek-Khinchine" } };
}

/** Two exponential single-server FCFS stations in series (Jackson: W = W1 + W2). */
export function tandemCase(
  arrivalRatePerSecond: number,
  serviceRatesPerSecond: [number, number],
): VerifyCase {
  const [mu1, mu2] = serviceRatesPerSecond;
  const jackson = jacksonTandem(arrivalRatePerSecond, [
    { serviceRatePerSecond: mu1 },
    { serviceRatePerSecond: mu2 },
  ]);
  const station = (mu: number) => ({ discipline: "fcfs" as const, servers: 1, service: exponential(1 / mu) });
  const rho = serviceRatesPerSecond.map((mu) => arrivalRatePerSecond / mu);
  return {
    id: `tandem M/M/1 -> M/M/1 rho=${rho.map((r) => r.toFixed(2)).join(",")}`,
    network: { arrivalRatePerSecond, stations: [station(mu1), station(mu2)] },
    utilization: Math.max(...rho),
    analytic: { ...pick(jackson), formula: "Jackson tandem" },
  };
}

/** The built-in battery of `capsim verify`. */
export function defaultBattery(): VerifyCase[] {
  return [
    queueCase({ discipline: "fcfs", servers: 1, utilization: 0.8, service: "exp" }),
    queueCase({ discipline: "fcfs", servers: 2, utilization: 0.9, service: "exp" }),
    queueCase({ discipline: "fcfs", servers: 4, utilization: 0.8, service: "exp" }),
    queueCase({ discipline: "fcfs", servers: 16, utilization: 0.95, service: "exp" }),
    queueCase({ discipline: "fcfs", servers: 1, utilization: 0.8, service: "det" }),
    queueCase({ discipline: "fcfs", servers: 1, utilization: 0.7, service: "lognormal" }),
    queueCase({ discipline: "ps", servers: 2, utilization: 0.8, service: "exp" }),
    queueCase({ discipline: "ps", servers: 2, utilization: 0.8, service: "lognormal" }),
    queueCase({ discipline: "ps", servers: 2, utilization: 0.85, service: "exp", backgroundVcpu: 0.5 }),
    tandemCase(0.7, [1, 0.875]),
  ];
}

function pick(m: { meanWaitSeconds: number; meanResponseSeconds: number }) {
  return { meanWaitSeconds: m.meanWaitSeconds, meanResponseSeconds: m.meanResponseSeconds };
}
