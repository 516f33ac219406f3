import { parentPort, workerData } from "node:worker_threads";
import { evaluatePoint, type PointTask } from "./evaluate.js";
import { runTask, type SimulationTask, taskFailure } from "./tasks.js";
import type { SyncReply, WorkerInit, WorkerReply } from "./workerPool.js";

/** A message from the pool: a sweep point (answered on parentPort) or a blocking-channel task. */
type Incoming = PointTask | { kind: "sync"; ticket: number; task: SimulationTask };

/** Worker-thread entry: runs what it is sent, one at a time, and replies with the outcome or the error. */
const port = parentPort;
if (!port) throw new Error("capsim sweep worker must run in a worker thread");
const init = workerData as WorkerInit;
const signal = new Int32Array(init.signal);
const progress = new Float64Array(init.progress);
port.on("message", (message: Incoming) => {
  if ("kind" in message && message.kind === "sync") runSync(message.ticket, message.task);
  else runPoint(message as PointTask);
});

function runPoint(task: PointTask): void {
  let reply: WorkerReply;
  try {
    reply = { ok: true, outcome: evaluatePoint(task) };
  } catch (error) {
    reply = {
      ok: false,
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
  port!.postMessage(reply);
}

/** Replies on the blocking channel first, then wakes the waiting thread (so the reply is there when it looks). */
function runSync(ticket: number, task: SimulationTask): void {
  let reply: SyncReply;
  try {
    reply = {
      ticket,
      ok: true,
      value: runTask(task, (f) => {
        progress[init.index] = f;
      }),
    };
  } catch (error) {
    reply = { ticket, ok: false, failure: taskFailure(error) };
  }
  init.syncPort.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}
