import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleControlAreas, type AreaEffectState } from '../src/domain/zones/index.ts';
import { createTestApp, testClock, type TestApp } from './support/app.ts';

const window = (id: string, startsAt: string, endsAt: string | null = null, liftedAt: string | null = null) => ({ id, startsAt, endsAt, liftedAt });
const state = (areaId: string, tookEffect: boolean, openEffects = 0): AreaEffectState => ({ areaId, tookEffect, openEffects });
const NOW = new Date('2022-06-22T12:00:00Z');

describe('the control-area scheduler (pure)', () => {
  const cases: Array<{ name: string; area: ReturnType<typeof window>; st?: AreaEffectState; takeEffect: string[]; lift: string[] }> = [
    { name: 'an area whose start has come and that never took effect takes effect', area: window('a', '2022-06-22T11:00:00Z'), takeEffect: ['a'], lift: [] },
    { name: 'an area already in effect is left alone', area: window('a', '2022-06-22T11:00:00Z'), st: state('a', true, 2), takeEffect: [], lift: [] },
    { name: 'an area that took effect with no effects is not applied again', area: window('a', '2022-06-22T11:00:00Z'), st: state('a', true, 0), takeEffect: [], lift: [] },
    { name: 'an area starting later waits', area: window('a', '2022-06-22T13:00:00Z'), takeEffect: [], lift: [] },
    { name: 'an area past its end with effects still applied is lifted', area: window('a', '2022-06-22T08:00:00Z', '2022-06-22T12:00:00Z'), st: state('a', true, 3), takeEffect: [], lift: ['a'] },
    { name: 'an area past its end whose effects were undone is left alone', area: window('a', '2022-06-22T08:00:00Z', '2022-06-22T10:00:00Z'), st: state('a', true, 0), takeEffect: [], lift: [] },
    { name: 'an area whose whole window passed between ticks never takes effect', area: window('a', '2022-06-22T08:00:00Z', '2022-06-22T10:00:00Z'), takeEffect: [], lift: [] },
    { name: 'a lifted area with effects left open is lifted', area: window('a', '2022-06-22T08:00:00Z', null, '2022-06-22T11:00:00Z'), st: state('a', true, 1), takeEffect: [], lift: ['a'] },
  ];
  it.each(cases)('$name', ({ area, st, takeEffect, lift }) => {
    expect(scheduleControlAreas([area], st ? [st] : [], NOW)).toEqual({ takeEffect, lift });
  });

  it('gives empty lists once its result is reflected in the states', () => {
    const areas = [window('b', '2022-06-22T11:00:00Z'), window('a', '2022-06-22T08:00:00Z', '2022-06-22T11:30:00Z')];
    const first = scheduleControlAreas(areas, [state('a', true, 1)], NOW);
    expect(first).toEqual({ takeEffect: ['b'], lift: ['a'] });
    expect(scheduleControlAreas(areas, [state('a', true, 0), state('b', true, 1)], NOW)).toEqual({ takeEffect: [], lift: [] });
  });
});

/** A square of side `d` degrees with its south-west corner at (lng, lat). */
const square = (lng: number, lat: number, d: number) => ({ type: 'Polygon', coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]] });
const DAZU = { lat: 39.79, lng: 116.5069 };

describe('control areas over time, through the API (clock 2022-06-22 06:00Z)', () => {
  let t: TestApp;
  const clock = testClock('2022-06-22T06:00:00Z');
  beforeAll(async () => {
    t = await createTestApp({ demo: true, clock });
  });
  afterAll(async () => {
    await t?.close();
  });
  const get = async (url: string) => t.app.inject({ method: 'GET', url });
  const post = async (url: string, payload?: unknown) => t.app.inject({ method: 'POST', url, payload: payload as never });
  const tick = async () => {
    const r = await post('/api/zones/control-areas/tick');
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  const status = async () => (await get('/api/nodes/dazu-plaza')).json().status;

  it('declares a lockdown starting at 08:00 without touching the store', async () => {
    const r = await post('/api/control-areas', {
      id: 'dazu-later',
      name: 'Dazu Plaza from 08:00 to 14:00',
      level: 'lockdown',
      geometry: square(DAZU.lng - 0.004, DAZU.lat - 0.003, 0.006),
      startsAt: '2022-06-22T08:00:00Z',
      endsAt: '2022-06-22T14:00:00Z',
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().effects).toEqual([]);
    expect(await status()).toBe('open');
    expect(await tick()).toMatchObject({ tookEffect: [], lifted: [] });
    expect(await status()).toBe('open');
  });

  it('applies the area at the first tick after its start', async () => {
    clock.set('2022-06-22T08:00:30Z');
    const r = await tick();
    expect(r.tookEffect).toEqual([expect.objectContaining({ areaId: 'dazu-later' })]);
    expect(r.tookEffect[0].effects).toBeGreaterThan(0);
    expect(await status()).toBe('suspended');
    expect((await get(`/api/zones/lookup?lat=${DAZU.lat}&lng=${DAZU.lng}`)).json().lookup).toMatchObject({ underLockdown: true, controlAreaId: 'dazu-later' });
  });

  it('changes nothing when ticked again', async () => {
    const effectsBefore = (await get('/api/control-areas/dazu-later')).json().effects;
    expect(await tick()).toMatchObject({ tookEffect: [], lifted: [] });
    expect((await get('/api/control-areas/dazu-later')).json().effects).toEqual(effectsBefore);
    expect(await status()).toBe('suspended');
  });

  it('lifts the area at the first tick after its end and reopens the store, once', async () => {
    clock.set('2022-06-22T14:00:10Z');
    const r = await tick();
    expect(r).toMatchObject({ tookEffect: [], lifted: [expect.objectContaining({ areaId: 'dazu-later' })] });
    expect(await status()).toBe('open');
    const effects = (await get('/api/control-areas/dazu-later')).json().effects;
    expect(effects.find((e: any) => e.kind === 'node_status')).toMatchObject({ nodeId: 'dazu-plaza', revertNote: 'restored to open' });
    expect(effects.every((e: any) => e.revertedAt)).toBe(true);
    expect((await get(`/api/zones/lookup?lat=${DAZU.lat}&lng=${DAZU.lng}`)).json().lookup.underLockdown).toBe(false);
    expect(await tick()).toMatchObject({ tookEffect: [], lifted: [] });
    expect(await status()).toBe('open');
  });

  it('records the scheduler’s changes in the zones audit trail', async () => {
    const actions = (await get('/api/zones/audit?subjectId=dazu-later')).json().events.map((e: any) => e.action);
    expect(actions).toEqual(['control_area.ended', 'control_area.took_effect', 'control_area.declared']);
  });
});
