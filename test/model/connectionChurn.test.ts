import { describe, expect, it } from "vitest";
import { CountedPool } from "../../src/engine/resources/countedPool.js";
import { Simulation } from "../../src/engine/simulation.js";
import { IdleConnections } from "../../src/model/connectionChurn.js";

/** A pool of 4 behind an idle list of 2, with grants counted as database/sql would open connections. */
function setup() {
  const sim = new Simulation();
  const pool = new CountedPool(sim, { name: "p", size: 4 });
  let opened = 0;
  const idle = new IdleConnections(pool, 2, () => opened++);
  const units: number[] = [];
  pool.onGrant((_tag, unit) => {
    idle.granted();
    units.push(unit);
  });
  return { port: idle.port(), units, opens: () => opened };
}

describe("database/sql idle list (connection churn)", () => {
  it("opens on a burst above the idle count, closes what exceeds it, reuses idle ones", () => {
    const { port, units, opens } = setup();
    for (let t = 0; t < 4; t++) port.acquire(t);
    expect(opens()).toBe(4); // nothing idle at start: four opens
    for (const u of units.splice(0)) port.release(u); // two kept idle, two closed
    for (let t = 0; t < 2; t++) port.acquire(t);
    expect(opens()).toBe(4); // both served from the idle list
    port.acquire(9);
    expect(opens()).toBe(5); // the third needs a new connection
  });

  it("a release handed to a waiter neither closes nor opens", () => {
    const { port, units, opens } = setup();
    for (let t = 0; t < 5; t++) port.acquire(t); // the fifth waits
    expect(opens()).toBe(4);
    port.release(units[0]!); // straight to the waiter
    expect(units.length).toBe(5);
    expect(opens()).toBe(4);
  });
});
