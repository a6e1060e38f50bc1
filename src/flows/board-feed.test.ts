import { describe, expect, it } from 'vitest';
import { SharedFeed, type FeedSubscriber } from './board-feed.ts';

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`waited too long for ${what}`);
};

function recorder(): FeedSubscriber & { got: string[]; errors: string[] } {
  const got: string[] = [];
  const errors: string[] = [];
  return { got, errors, send: (p) => got.push(p), fail: (e) => errors.push(e.message) };
}

describe('a shared feed', () => {
  it('computes once per tick for all its subscribers, who all receive the same frames', async () => {
    let version = 0;
    const feed = new SharedFeed(async () => {
      version += 1;
      return { payload: `v${version}`, changeKey: String(version) };
    }, 10);
    const subs = Array.from({ length: 20 }, recorder);
    const offs = await Promise.all(subs.map((s) => feed.subscribe('', s)));
    expect(subs.every((s) => s.got.length >= 1)).toBe(true);
    await until(() => subs.every((s) => s.got.length >= 5), 'five frames each');
    const before = feed.computations;
    offs.forEach((off) => off());
    // Twenty subscribers and at least five ticks, yet about one computation per tick (not twenty).
    expect(before).toBeLessThan(subs[0].got.length + 4);
    const last = subs[0].got.at(-1);
    expect(subs.every((s) => s.got.includes(last!))).toBe(true);
    expect(feed.size).toBe(0);
    await new Promise((r) => setTimeout(r, 40));
    expect(feed.computations).toBe(before);
    feed.close();
  });

  it('sends a frame again only when it changed, but always gives a new subscriber one computed after it joined', async () => {
    let state = 'a';
    const feed = new SharedFeed(async () => ({ payload: state, changeKey: state }), 10);
    const first = recorder();
    const off1 = await feed.subscribe('day', first);
    await until(() => feed.computations >= 4, 'a few ticks');
    expect(first.got).toEqual(['a']);
    state = 'b';
    const second = recorder();
    const off2 = await feed.subscribe('day', second);
    expect(second.got).toEqual(['b']);
    await until(() => first.got.length === 2, 'the change to reach the first subscriber');
    expect(first.got).toEqual(['a', 'b']);
    off1();
    off2();
    feed.close();
  });

  it('keeps channels apart and tells subscribers when a computation failed', async () => {
    const feed = new SharedFeed(async (ch) => {
      if (ch === 'bad') throw new Error('no database');
      return { payload: ch, changeKey: ch };
    }, 50);
    const good = recorder();
    const bad = recorder();
    const offs = [await feed.subscribe('2022-06-22', good), await feed.subscribe('bad', bad)];
    expect(good.got).toEqual(['2022-06-22']);
    expect(bad.got).toEqual([]);
    expect(bad.errors[0]).toBe('no database');
    offs.forEach((off) => off());
    feed.close();
  });

  it('refuses an interval that is not a positive whole number of milliseconds', () => {
    expect(() => new SharedFeed(async () => ({ payload: '', changeKey: '' }), 0)).toThrow(/intervalMs: expected a positive integer, got 0/);
  });
});
