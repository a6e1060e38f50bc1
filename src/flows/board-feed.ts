/**
 * One board computation per tick, shared by every open board stream.
 *
 * Each server-sent-events connection to the network board used to recompute the whole
 * board (nodes, zones, slots, key-essential balances, trips) on its own timer, so ten
 * open screens cost ten computations every tick. A feed keeps one timer per channel
 * (here: per board day; "" is today), computes once per tick, and sends the result to
 * every subscriber of that channel when it changed. The timer runs only while the
 * channel has subscribers.
 *
 * A new subscriber is not served the last tick's board (it may be seconds old and miss
 * a write the caller has just made): it joins the computation in flight if there is
 * one, or starts one, and every subscriber of the channel receives that result if it
 * changed. So a subscriber always sees a board computed after it joined.
 */

/** What a feed computes for a channel: the text to send and a key that tells a change (equal keys are not sent again). */
export interface FeedFrame {
  payload: string;
  changeKey: string;
}

/** Receives the frames of a channel; `fail` is told when a computation failed (the feed keeps ticking). */
export interface FeedSubscriber {
  send(payload: string): void;
  fail(error: Error): void;
}

interface Channel {
  subscribers: Set<FeedSubscriber>;
  timer: ReturnType<typeof setInterval> | null;
  inFlight: Promise<void> | null;
  /** The change key last sent to the channel's subscribers; a subscriber that joins later has not seen it. */
  lastKey: string | null;
  /** Subscribers that joined since the last frame was sent and must get the next one even if unchanged. */
  fresh: Set<FeedSubscriber>;
}

export class SharedFeed {
  private readonly channels = new Map<string, Channel>();
  /** How many computations ran, for tests and the bench: one per tick per channel, whatever the number of subscribers. */
  computations = 0;

  constructor(
    private readonly compute: (channel: string) => Promise<FeedFrame>,
    private readonly intervalMs: number,
  ) {
    if (!Number.isInteger(intervalMs) || intervalMs < 1) throw new Error(`intervalMs: expected a positive integer, got ${intervalMs}`);
  }

  /**
   * Adds a subscriber to a channel; resolves once it has received its first frame (or
   * the first computation failed). Returns the function that removes it.
   */
  async subscribe(channel: string, sub: FeedSubscriber): Promise<() => void> {
    let ch = this.channels.get(channel);
    if (!ch) {
      ch = { subscribers: new Set(), timer: null, inFlight: null, lastKey: null, fresh: new Set() };
      this.channels.set(channel, ch);
    }
    const c = ch;
    c.subscribers.add(sub);
    c.fresh.add(sub);
    if (!c.timer) c.timer = setInterval(() => void this.tick(channel, c), this.intervalMs);
    const unsubscribe = () => {
      c.subscribers.delete(sub);
      c.fresh.delete(sub);
      if (c.subscribers.size === 0) {
        if (c.timer) clearInterval(c.timer);
        c.timer = null;
        if (this.channels.get(channel) === c) this.channels.delete(channel);
      }
    };
    // A computation already running may have read the database before this subscriber's
    // last write: wait for it, then run one more that surely started after the join.
    if (c.inFlight) await c.inFlight;
    if (c.fresh.has(sub)) await this.tick(channel, c);
    return unsubscribe;
  }

  /** Number of open subscribers over all channels. */
  get size(): number {
    let n = 0;
    for (const c of this.channels.values()) n += c.subscribers.size;
    return n;
  }

  /** Stops every timer and drops every subscriber (the server is closing). */
  close(): void {
    for (const c of this.channels.values()) {
      if (c.timer) clearInterval(c.timer);
      c.timer = null;
      c.subscribers.clear();
      c.fresh.clear();
    }
    this.channels.clear();
  }

  /** One computation for the channel, shared by everyone who asks while it runs. */
  private tick(channel: string, c: Channel): Promise<void> {
    if (c.inFlight) return c.inFlight;
    const run = async () => {
      const waiting = new Set(c.fresh);
      let frame: FeedFrame;
      try {
        this.computations += 1;
        frame = await this.compute(channel);
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        for (const s of c.subscribers) s.fail(err);
        for (const s of waiting) c.fresh.delete(s);
        return;
      }
      const changed = frame.changeKey !== c.lastKey;
      c.lastKey = frame.changeKey;
      for (const s of c.subscribers) {
        // One who joined while this ran waits for its own computation (see subscribe).
        const lateJoiner = c.fresh.has(s) && !waiting.has(s);
        if (waiting.has(s) || (changed && !lateJoiner)) s.send(frame.payload);
      }
      for (const s of waiting) c.fresh.delete(s);
    };
    c.inFlight = run().finally(() => {
      c.inFlight = null;
    });
    return c.inFlight;
  }
}
