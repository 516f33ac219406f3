import { exponential } from "../engine/random/distributions.js";
import { RandomStreams, type Rng } from "../engine/random/streams.js";
import type { Distribution } from "../engine/random/types.js";
import { FcfsQueue } from "../engine/resources/fcfsQueue.js";
import { ProcessorSharingCpu } from "../engine/resources/processorSharingCpu.js";
import type { ResourceStats } from "../engine/resources/resourceStats.js";
import { Simulation } from "../engine/simulation.js";
import { Mean } from "../engine/stats/mean.js";

export type Discipline = "fcfs" | "ps";

/** One station of a series (tandem) network. */
export interface StationSpec {
  discipline: Discipline;
  servers: number;
  service: Distribution;
  /** PS only: fluid background load on the cores, vCPU. @default 0 */
  backgroundVcpu?: number;
}

/** Poisson arrivals through stations in series; a single queue is a network of one station. */
export interface OpenNetworkSpec {
  arrivalRatePerSecond: number;
  stations: readonly StationSpec[];
  /** Customers whose end-to-end times are measured, after the warm-up ones. */
  measuredCustomers: number;
  /** Leading customers left out of every statistic (the empty-and-idle start). */
  warmupCustomers: number;
}

export interface OpenNetworkResult {
  /** End-to-end mean time queued (FCFS) or slowed by sharing (PS: response − work), seconds. */
  mean_wait_s: number;
  /** End-to-end mean time in the network, seconds. */
  mean_response_s: number;
  /** Each station's statistics from the first measured arrival to the last measured departure. */
  stations: ResourceStats[];
  simulated_s: number;
  events: number;
}

/** The interface both FCFS queues and PS CPUs offer, which is all the network needs. */
interface Station {
  submit(serviceSeconds: number, tag: number): unknown;
  onComplete(listener: (tag: number, responseSeconds: number, waitSeconds: number) => void): unknown;
  resetStats(): void;
  stats(): ResourceStats;
}

/**
 * Simulates the network with seeded streams (`arrivals`, `service.<k>`) until every measured customer
 * has left. Arrivals continue meanwhile, so time-averages are not biased by a drain at the end.
 * Customer i carries tag i through every station: no allocation per customer.
 */
export function simulateOpenNetwork(spec: OpenNetworkSpec, seed: number | string): OpenNetworkResult {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const interarrival = exponential(1 / spec.arrivalRatePerSecond);
  const arrivalsRng = streams.stream("arrivals");
  const serviceRngs: Rng[] = spec.stations.map((_, k) => streams.stream(`service.${k}`));
  const stations = spec.stations.map((s, k) => buildStation(sim, s, `station${k}`));
  const firstMeasured = spec.warmupCustomers;
  const endMeasured = spec.warmupCustomers + spec.measuredCustomers;
  const arrivalSeconds = new Float64Array(endMeasured);
  const waitSoFar = new Float64Array(endMeasured);
  const wait = new Mean();
  const response = new Mean();
  let arrivals = 0;
  const last = stations.length - 1;

  stations.forEach((station, k) => {
    const next = stations[k + 1];
    const nextService = spec.stations[k + 1]?.service;
    const nextRng = serviceRngs[k + 1];
    station.onComplete((tag, _response, waitSeconds) => {
      if (tag < endMeasured) waitSoFar[tag]! += waitSeconds;
      if (k < last) {
        next!.submit(nextService!.sample(nextRng!), tag);
        return;
      }
      if (tag < firstMeasured || tag >= endMeasured) return;
      wait.add(waitSoFar[tag]!);
      response.add(sim.now - arrivalSeconds[tag]!);
      if (response.count === spec.measuredCustomers) sim.stop();
    });
  });

  const firstStation = stations[0]!;
  const firstService = spec.stations[0]!.service;
  const firstRng = serviceRngs[0]!;
  const arrive = sim.register(() => {
    const tag = arrivals++;
    if (tag === firstMeasured) for (const s of stations) s.resetStats();
    if (tag < endMeasured) arrivalSeconds[tag] = sim.now;
    firstStation.submit(firstService.sample(firstRng), tag);
    sim.schedule(interarrival.sample(arrivalsRng), arrive);
  });
  sim.schedule(interarrival.sample(arrivalsRng), arrive);
  sim.run();

  return {
    mean_wait_s: wait.mean,
    mean_response_s: response.mean,
    stations: stations.map((s) => s.stats()),
    simulated_s: sim.now,
    events: sim.eventsProcessed,
  };
}

function buildStation(sim: Simulation, spec: StationSpec, name: string): Station {
  if (spec.discipline === "fcfs") return new FcfsQueue(sim, { name, servers: spec.servers });
  const cpu = new ProcessorSharingCpu(sim, { name, cores: spec.servers });
  if (spec.backgroundVcpu) cpu.setBackgroundLoad(spec.backgroundVcpu);
  return cpu;
}
