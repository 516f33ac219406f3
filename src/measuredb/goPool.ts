import pg from "pg";

/**
 * A connection pool that behaves like Go's database/sql, as coderd's is: at most `maxOpen` connections; a
 * released connection goes to a waiter, else to the idle list while it holds fewer than `maxIdle`, else is
 * closed; a query takes an idle connection, else opens one, else waits. Every statement takes and returns
 * a connection (autocommit), so bursts above the idle count open and close backends as coderd's did.
 */
export class GoPool {
  private open = 0;
  private readonly idle: pg.Client[] = [];
  private readonly waiters: ((c: pg.Client) => void)[] = [];
  /** Connections opened and closed since construction; queries that had to wait for a connection. */
  opens = 0;
  closes = 0;
  waits = 0;
  /** Backend process ids of the connections ever opened (for the server's CPU by role). */
  readonly pids = new Set<number>();

  constructor(
    private readonly url: string,
    private readonly maxOpen: number,
    private readonly maxIdle: number,
    private readonly applicationName: string,
  ) {}

  /** Extra seconds a statement holds its connection: a network round trip the loopback lacks (0: none). */
  holdS = 0;

  async query(text: string, values: unknown[]): Promise<void> {
    const c = await this.acquire();
    try {
      if (this.holdS > 0) await new Promise((r) => setTimeout(r, this.holdS * 1000));
      await c.query({ text, values });
    } finally {
      this.release(c);
    }
  }

  private async acquire(): Promise<pg.Client> {
    const c = this.idle.pop();
    if (c) return c;
    if (this.open < this.maxOpen) {
      this.open++;
      this.opens++;
      try {
        const client = new pg.Client({ connectionString: this.url, application_name: this.applicationName });
        client.on("error", () => {}); // a dropped connection fails its pending query, which is reported
        await client.connect();
        this.pids.add((client as unknown as { processID: number }).processID);
        return client;
      } catch (err) {
        this.open--;
        throw err;
      }
    }
    this.waits++;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(c: pg.Client): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(c);
    else if (this.idle.length < this.maxIdle) this.idle.push(c);
    else {
      this.open--;
      this.closes++;
      void c.end().catch(() => {});
    }
  }

  async end(): Promise<void> {
    const all = this.idle.splice(0);
    this.open -= all.length;
    await Promise.all(all.map((c) => c.end().catch(() => {})));
  }
}
