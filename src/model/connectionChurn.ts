import type { CountedPool } from "../engine/resources/countedPool.js";
import type { PoolPort } from "./requestPipeline.js";

/**
 * Go's database/sql idle list in front of a counted pool: a released connection is kept idle while
 * fewer than `maxIdle` are, else closed; a grant reuses an idle connection, else opens one. A release
 * that hands its connection straight to a waiter neither closes nor opens (database/sql's putConn).
 * coderd v2.8 ran 10 open / 3 idle (coder/coder #11897), so bursts above the idle count open and close
 * connections, and every open costs the database a backend start-up.
 */
export class IdleConnections {
  private idle = 0;
  private handovers = 0;
  /** Connections opened since construction. */
  opens = 0;

  constructor(
    private readonly pool: CountedPool,
    private readonly maxIdle: number,
    private readonly onOpen: () => void,
  ) {}

  /** The port the request pipeline uses instead of the pool: releases pass through the idle list. */
  port(): PoolPort {
    return {
      acquire: (tag) => this.pool.acquire(tag),
      release: (unit) => {
        if (this.pool.waiting > 0) this.handovers++;
        else if (this.idle < this.maxIdle) this.idle++;
        this.pool.release(unit);
      },
    };
  }

  /** Called on every grant of the pool, before the request uses the connection. */
  granted(): void {
    if (this.handovers > 0) this.handovers--;
    else if (this.idle > 0) this.idle--;
    else {
      this.opens++;
      this.onOpen();
    }
  }
}
