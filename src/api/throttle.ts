/**
 * Sign-in throttling: failures are counted per key (a username, a client address)
 * and, past a free allowance, each further attempt must wait twice as long as the
 * one before (1 s, 2 s, 4 s … up to `maxDelayMs`). A success clears the key. Time
 * comes from the caller (the app's clock), so tests can move it.
 */
export interface ThrottleOptions {
  /** Failures allowed before any wait. */
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures older than this are forgotten. */
  windowMs: number;
}

interface Entry {
  failures: number;
  lastAt: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  constructor(private readonly opts: ThrottleOptions) {}

  /** Milliseconds the key must still wait before its next attempt (0 = go ahead). */
  waitMs(key: string, nowMs: number): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    if (nowMs - e.lastAt > this.opts.windowMs) {
      this.entries.delete(key);
      return 0;
    }
    const over = e.failures - this.opts.freeFailures;
    if (over < 0) return 0;
    const delay = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.min(over, 30));
    return Math.max(0, e.lastAt + delay - nowMs);
  }

  failed(key: string, nowMs: number): void {
    const e = this.entries.get(key);
    if (!e || nowMs - e.lastAt > this.opts.windowMs) this.entries.set(key, { failures: 1, lastAt: nowMs });
    else this.entries.set(key, { failures: e.failures + 1, lastAt: nowMs });
    if (this.entries.size > 100_000) this.prune(nowMs);
  }

  succeeded(key: string): void {
    this.entries.delete(key);
  }

  private prune(nowMs: number): void {
    for (const [k, e] of this.entries) if (nowMs - e.lastAt > this.opts.windowMs) this.entries.delete(k);
  }
}
