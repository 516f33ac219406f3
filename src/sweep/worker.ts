import { parentPort } from "node:worker_threads";
import { evaluatePoint, type PointTask } from "./evaluate.js";
import type { WorkerReply } from "./workerPool.js";

/** Worker-thread entry: runs the points it is sent, one at a time, and replies with the outcome or the error. */
const port = parentPort;
if (!port) throw new Error("capsim sweep worker must run in a worker thread");
port.on("message", (task: PointTask) => {
  let reply: WorkerReply;
  try {
    reply = { ok: true, outcome: evaluatePoint(task) };
  } catch (error) {
    reply = {
      ok: false,
      message: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
  port.postMessage(reply);
});
