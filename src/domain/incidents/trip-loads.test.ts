import { describe, expect, it } from 'vitest';
import { pieceCapacity, transferLoads, type TransferLine } from './trip-loads.ts';
import { demoIncident, scenarioInstant, type DemoScenarioFacts } from './demo.ts';
import { vehicle } from '../trips/fixtures.ts';
import type { Place } from '../trips/model.ts';
import type { TripItem } from '../trips/loads.ts';

const items = new Map<string, TripItem>([
  ['milk', { id: 'milk', name: 'Milk', unit: 'box', temperatureClass: 'chilled', weightG: 10_000, volumeCm3: 12_000 }],
  ['rice', { id: 'rice', name: 'Rice', unit: 'bag', temperatureClass: 'ambient', weightG: 5_000, volumeCm3: 6_000 }],
  ['dumplings', { id: 'dumplings', name: 'Dumplings', unit: 'bag', temperatureClass: 'frozen', weightG: 1_000, volumeCm3: 2_000 }],
]);
const places = new Map<string, Place>([
  ['dc', { id: 'dc', name: 'DC', lat: 39.75, lng: 116.56 }],
  ['store', { id: 'store', name: 'Store', lat: 39.79, lng: 116.5 }],
]);
const line = (itemId: string, quantity: number, from = 'dc', to = 'store'): TransferLine => ({ fromNodeId: from, toNodeId: to, itemId, quantity });

describe('the loads of a drafted trips part', () => {
  it('sizes pieces so the fleet carries the most of each class at once, and ignores riders', () => {
    const cap = pieceCapacity([
      vehicle('reefer', 'refrigerated_truck', 'dc', 2),
      vehicle('multi', 'multi_temperature_truck', 'dc', 1),
      vehicle('van', 'ambient_van', 'dc', 3),
      vehicle('rider', 'rider_ebike', 'store', 5),
    ]);
    // Van-sized ambient pieces: three vans and the truck (two pieces) carry 5 half-truckloads at once, not 1 truckload.
    expect(cap.ambient).toEqual({ weightG: 1_000_000, volumeCm3: 6_000_000 });
    // The reefers' 12 m³ would leave the multi-temperature truck's 10 m³ chilled compartment out: 3 pieces of 10 m³ beat 2 of 12.
    expect(cap.chilled).toEqual({ weightG: 2_000_000, volumeCm3: 10_000_000 });
    expect(cap.frozen).toEqual({ weightG: 1_500_000, volumeCm3: 8_000_000 });
    // A van that takes 60% of a truckload: a truck would carry one van-sized piece only, so three trucks and a van carry more in truckloads.
    const bigVan = vehicle('van', 'ambient_van', 'dc', 1, { compartments: [{ temperatureClass: 'ambient', maxWeightKg: 1200, maxVolumeL: 7200, refrigerated: false }] });
    expect(pieceCapacity([vehicle('multi', 'multi_temperature_truck', 'dc', 3), bigVan]).ambient).toEqual({ weightG: 2_000_000, volumeCm3: 12_000_000 });
  });

  it.each([
    ['one class that fits in one piece', [line('rice', 10)], ['draft:dc>store:ambient:1'], [[['rice', 10]]]],
    ['two classes to the same store', [line('rice', 10), line('milk', 5)], ['draft:dc>store:ambient:1', 'draft:dc>store:chilled:1'], [[['rice', 10]], [['milk', 5]]]],
    ['a line bigger than a piece, split by units (weight binds)', [line('milk', 250)], ['draft:dc>store:chilled:1', 'draft:dc>store:chilled:2'], [[['milk', 200]], [['milk', 50]]]],
    ['lines of one pair merged before splitting', [line('rice', 100), line('rice', 150)], ['draft:dc>store:ambient:1', 'draft:dc>store:ambient:2'], [[['rice', 200]], [['rice', 50]]]],
  ])('splits %s', (_name, lines, ids, contents) => {
    const cap = { ambient: { weightG: 1_000_000, volumeCm3: 6_000_000 }, chilled: { weightG: 2_000_000, volumeCm3: 10_000_000 } };
    const r = transferLoads(lines, items, places, cap);
    expect(r.loads.map((l) => l.id)).toEqual(ids);
    expect(r.loads.map((l) => l.lines.map((x) => [x.itemId, x.quantity]))).toEqual(contents);
    expect(r.loads.every((l) => l.kind === 'transfer' && l.originNodeId === 'dc' && l.destination.id === 'store')).toBe(true);
  });

  it('lists the lines it cannot load, with the reason', () => {
    const r = transferLoads([line('caviar', 1), line('rice', 1, 'dc', 'moon'), line('dumplings', 3)], items, places, { ambient: { weightG: 1e6, volumeCm3: 6e6 } });
    expect(r.loads).toEqual([]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['unknown item caviar', 'unknown node moon', 'no vehicle in the fleet has a frozen compartment']);
  });
});

describe('the demo incident', () => {
  const facts: DemoScenarioFacts = {
    name: 'Yizhuang outbreak, June 2022',
    startDate: '2022-06-22',
    areas: [
      { id: 'dazu-plaza-area', name: 'Dazu Plaza', level: 'lockdown', lat: 39.79, lng: 116.5069, radiusM: 400, from: { day: 0, time: '10:00' } },
      { id: 'lippo-plaza-area', name: 'Lippo Plaza', level: 'lockdown', lat: 39.804, lng: 116.4955, radiusM: 350, from: { day: 1, time: '08:30' } },
    ],
    emergencyWarehouse: { id: 'yz-emergency', templateNodeId: 'yz-satellite', nameZh: '亦庄保供仓', nameEn: 'Yizhuang emergency warehouse', lat: 39.77, lng: 116.54 },
    reopenOnlineOnly: { day: 2, time: '06:00' },
  };

  it('reads scenario times as Beijing wall-clock times from the start date', () => {
    expect(new Date(scenarioInstant('2022-06-22', { day: 2, time: '06:00' })).toISOString()).toBe('2022-06-23T22:00:00.000Z');
  });

  it('keeps the scenario dates by default and moves every time together when asked', () => {
    const a = demoIncident(facts);
    expect(a).toMatchObject({ id: 'yizhuang-2022', reopenOnlineOnlyAt: '2022-06-23T22:00:00.000Z', emergencyWarehouse: { templateNodeId: 'yz-satellite' } });
    expect(a.areas.map((x) => x.startsAt)).toEqual(['2022-06-22T02:00:00.000Z', '2022-06-23T00:30:00.000Z']);
    const b = demoIncident(facts, { id: 'rehearsal', startsAt: '2030-01-01T00:00:00Z' });
    expect(b.id).toBe('rehearsal');
    expect(b.areas.map((x) => x.startsAt)).toEqual(['2030-01-01T00:00:00.000Z', '2030-01-01T22:30:00.000Z']);
    expect(b.reopenOnlineOnlyAt).toBe('2030-01-02T20:00:00.000Z');
    expect(b.areas[0].circle).toEqual({ lat: 39.79, lng: 116.5069, radiusM: 400 });
  });
});
