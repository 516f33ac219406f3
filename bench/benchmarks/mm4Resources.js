// M/M/4 at rho = 0.8 through the resource layer: an FcfsQueue (or a 4-core PS CPU) with its
// allocation-free tag listener and full statistics, to show what the resources cost over the raw kernel.
import {
  exponential,
  FcfsQueue,
  ProcessorSharingCpu,
  RandomStreams,
  Simulation,
} from "../../dist/engine/index.js";

export const description = "M/M/4, rho 0.8, through FcfsQueue or ProcessorSharingCpu with statistics";

export function run({ customers = 1_000_000, seed = 1, discipline = "fcfs" } = {}) {
  const sim = new Simulation();
  const streams = new RandomStreams(seed);
  const arrivalRng = streams.stream("arrivals");
  const serviceRng = streams.stream("service");
  const gap = exponential(1 / 3.2);
  const service = exponential(1);
  const station =
    discipline === "ps"
      ? new ProcessorSharingCpu(sim, { name: "cpu", cores: 4 })
      : new FcfsQueue(sim, { name: "q", servers: 4 });
  let served = 0;
  station.onComplete(() => {
    if (++served === customers) sim.stop();
  });
  const arrive = sim.register(() => {
    station.submit(service.sample(serviceRng), 0);
    sim.schedule(gap.sample(arrivalRng), arrive);
  });
  sim.schedule(gap.sample(arrivalRng), arrive);
  const start = process.hrtime.bigint();
  sim.run();
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const stats = station.stats();
  return {
    figures: [
      { name: "customers/s", value: served / wallSeconds, unit: "customers/s" },
      { name: "events/s", value: sim.eventsProcessed / wallSeconds, unit: "events/s" },
      { name: "wall time", value: wallSeconds, unit: "s" },
      { name: "mean response (exact 1.7455)", value: stats.mean_response_s, unit: "s" },
    ],
  };
}
