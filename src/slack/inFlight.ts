import { currentLogFields } from '../logger';

interface Entry {
  what: string;
  requestId: unknown;
  startedAt: number;
}

/**
 * The Slack work under way in this process — handlers, and answers and follow-ups that continue
 * after the ack — so a stop can wait for it, and name what it cut when it cannot.
 */
export class InFlight {
  private readonly entries = new Map<Promise<unknown>, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Tracks `work` until it settles, described as `what` (a command, an action, a follow-up). */
  add<T>(work: Promise<T>, what: string): Promise<T> {
    const entry = { what, requestId: currentLogFields().requestId, startedAt: this.now() };
    this.entries.set(work, entry);
    const forget = () => void this.entries.delete(work);
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.entries.size;
  }

  /** What is under way, one line each: `/whoowns (request 3f2a…, for 21.4 s)`. */
  describe(): string[] {
    const now = this.now();
    return [...this.entries.values()].map(({ what, requestId, startedAt }) => `${what} (${typeof requestId === 'string' ? `request ${requestId}, ` : ''}for ${((now - startedAt) / 1000).toFixed(1)} s)`);
  }

  /** Resolves once nothing is under way, including work added while waiting. */
  async settled(): Promise<void> {
    while (this.entries.size > 0) await Promise.allSettled([...this.entries.keys()]);
  }
}
