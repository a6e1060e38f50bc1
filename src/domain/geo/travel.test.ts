import { describe, expect, it } from 'vitest';
import { haversineExactM } from './distance.ts';
import { FLAT_PROFILE, roadDistanceM, StraightLineTravel, travelS, URBAN_PEAKS } from './travel.ts';

const yizhuang = { lat: 39.79, lng: 116.5 };
const daxing = { lat: 39.73, lng: 116.34 };

describe('the default travel model (haversine × circuity × speed profile)', () => {
  it('never gives a road shorter than the straight line, and scales with circuity', () => {
    const line = haversineExactM(yizhuang, daxing);
    expect(roadDistanceM(yizhuang, daxing, 1)).toBe(Math.round(line));
    expect(roadDistanceM(yizhuang, daxing)).toBe(Math.round(line * 1.3));
    expect(roadDistanceM(yizhuang, daxing, 1.6)).toBeGreaterThan(roadDistanceM(yizhuang, daxing));
  });

  it('takes longer in a peak hour of the profile than at night', () => {
    const d = roadDistanceM(yizhuang, daxing);
    const night = travelS(d, 30, 2 * 3600, URBAN_PEAKS);
    const noon = travelS(d, 30, 12 * 3600, URBAN_PEAKS);
    const peak = travelS(d, 30, 8 * 3600, URBAN_PEAKS);
    expect(night).toBeLessThan(noon);
    expect(noon).toBeLessThan(peak);
    expect(travelS(d, 30, 8 * 3600, FLAT_PROFILE)).toBe(noon);
  });

  it('gives the same figures one pair at a time and as a table (what a matrix service returns)', async () => {
    const travel = new StraightLineTravel({ speedMps: 30 / 3.6 });
    const table = await travel.table([yizhuang, daxing], [daxing, yizhuang]);
    expect(table.distanceM[0]).toBe(travel.estimate(yizhuang, daxing).distanceM);
    expect(table.durationS[0]).toBe(travel.estimate(yizhuang, daxing).durationS);
    expect(table.distanceM[1]).toBe(0);
    expect(table.durationS[0]).toBe(travelS(roadDistanceM(yizhuang, daxing), 30));
  });
});
