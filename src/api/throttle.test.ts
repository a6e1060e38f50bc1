import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './throttle.ts';

describe('LoginThrottle', () => {
  const opts = { freeFailures: 3, baseDelayMs: 1000, maxDelayMs: 60_000, windowMs: 900_000 };
  it('lets the first failures through, then doubles the wait after each further failure', () => {
    const t = new LoginThrottle(opts);
    let now = 0;
    for (let i = 0; i < 3; i++) {
      expect(t.waitMs('u', now)).toBe(0);
      t.failed('u', now);
    }
    expect(t.waitMs('u', now)).toBe(1000);
    now += 1000;
    t.failed('u', now);
    expect(t.waitMs('u', now)).toBe(2000);
    now += 2000;
    t.failed('u', now);
    expect(t.waitMs('u', now)).toBe(4000);
  });
  it('never waits longer than the cap, forgets after the window and clears on success', () => {
    const t = new LoginThrottle(opts);
    for (let i = 0; i < 40; i++) t.failed('u', 0);
    expect(t.waitMs('u', 0)).toBe(60_000);
    expect(t.waitMs('u', 900_001)).toBe(0);
    t.failed('v', 0);
    t.succeeded('v');
    expect(t.waitMs('v', 0)).toBe(0);
  });
  it('keeps keys apart', () => {
    const t = new LoginThrottle(opts);
    for (let i = 0; i < 10; i++) t.failed('a', 0);
    expect(t.waitMs('b', 0)).toBe(0);
  });
});
