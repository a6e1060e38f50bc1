/** TwoStores: the smallest scenario that shows a response, for the simulation tests. */
import type { ScenarioFile } from './scenario.ts';

/**
 * `TwoStores`: the smallest scenario that shows a response — two stores, a DC,
 * six items (one of each tier in two temperature classes), four zones. Store A is
 * locked down at 08:00 on day 0; the response hands its zones to store B, raises
 * B's stock targets and staff, and runs a second wave a day.
 */
export function twoStores(): ScenarioFile {
  return {
    format: 'baogong-scenario/1',
    name: 'two-stores',
    startDate: '2022-06-22',
    days: 3,
    seed: 7,
    network: {
      nodes: [
        { id: 'store-a', kind: 'store', nameZh: '甲店', nameEn: 'Store A', lat: 39.79, lng: 116.5, dailyOrderCapacity: 400, maxDeliveryRadiusM: 3000 },
        { id: 'store-b', kind: 'store', nameZh: '乙店', nameEn: 'Store B', lat: 39.8, lng: 116.52, dailyOrderCapacity: 400, maxDeliveryRadiusM: 3000 },
        { id: 'dc', kind: 'distribution_centre', nameZh: '大仓', nameEn: 'DC', lat: 39.75, lng: 116.56 },
      ],
      items: [
        { id: 'RICE', nameZh: '米', nameEn: 'Rice', category: 'rice', unit: 'bag', temperatureClass: 'ambient', shelfLifeDays: 365, volumeCm3: 6000, essentialTier: 'key' },
        { id: 'OIL', nameZh: '油', nameEn: 'Oil', category: 'oil', unit: 'bottle', temperatureClass: 'ambient', shelfLifeDays: 365, volumeCm3: 5000, essentialTier: 'essential' },
        { id: 'CHIPS', nameZh: '薯片', nameEn: 'Chips', category: 'snacks', unit: 'pack', temperatureClass: 'ambient', shelfLifeDays: 200, volumeCm3: 1200 },
        { id: 'MILK', nameZh: '奶', nameEn: 'Milk', category: 'dairy', unit: 'box', temperatureClass: 'chilled', shelfLifeDays: 3, volumeCm3: 1100, essentialTier: 'key' },
        { id: 'VEG', nameZh: '菜', nameEn: 'Cabbage', category: 'vegetables', unit: 'bag', temperatureClass: 'chilled', shelfLifeDays: 2, volumeCm3: 4000, essentialTier: 'essential' },
        { id: 'FISH', nameZh: '鱼', nameEn: 'Fish', category: 'seafood', unit: 'pack', temperatureClass: 'chilled', shelfLifeDays: 1, volumeCm3: 1200 },
      ],
      baselineDemand: [
        { nodeId: 'store-a', itemId: 'RICE', dailyQuantity: 60 },
        { nodeId: 'store-a', itemId: 'OIL', dailyQuantity: 40 },
        { nodeId: 'store-a', itemId: 'CHIPS', dailyQuantity: 50 },
        { nodeId: 'store-a', itemId: 'MILK', dailyQuantity: 80 },
        { nodeId: 'store-a', itemId: 'VEG', dailyQuantity: 90 },
        { nodeId: 'store-a', itemId: 'FISH', dailyQuantity: 20 },
      ],
    },
    zones: [
      { id: 'za1', lat: 39.792, lng: 116.502, ordersPerDay: 60, nodeIds: ['store-a'] },
      { id: 'za2', lat: 39.788, lng: 116.498, ordersPerDay: 60, nodeIds: ['store-a'] },
      { id: 'zb1', lat: 39.802, lng: 116.522, ordersPerDay: 60, nodeIds: ['store-b'] },
      { id: 'zb2', lat: 39.798, lng: 116.518, ordersPerDay: 60, nodeIds: ['store-b'] },
    ],
    demand: { linesPerOrder: 3, twoUnitShare: 0.3, pickDelayMin: 30, maxSlotDelayH: 4 },
    staff: [
      { nodeId: 'store-a', staff: 6, ordersPerStaffHour: 6, shift: '06:00-22:00' },
      { nodeId: 'store-b', staff: 6, ordersPerStaffHour: 6, shift: '06:00-22:00' },
    ],
    fleet: { sourceNodeId: 'dc', coldTripCapacityL: 2000, ambientTripCapacityL: 3000, coolantPacksPerColdTrip: 100, dailyUnits: 100000 },
    normal: { coverDays: { none: 1.5, essential: 1.5, key: 1.5 }, waves: [{ depart: '03:00', classes: ['ambient', 'chilled', 'frozen'], leadTimeMin: 180 }] },
    incident: {
      name: 'store A locked down',
      controlAreas: [{ id: 'area-a', name: 'around store A', level: 'lockdown', lat: 39.79, lng: 116.5, radiusM: 300, from: { day: 0, time: '08:00' } }],
      events: [{ at: { day: 0, time: '08:00' }, kind: 'demand', ordersMultiplier: 2, tierMultipliers: { none: 0.5, essential: 1.5, key: 2 } }],
    },
    response: {
      name: 'response plan',
      actions: [
        { at: { day: 0, time: '09:00' }, kind: 'node_settings', nodeId: 'store-b', dailyOrderCapacity: 1000, maxDeliveryRadiusM: 6000 },
        { at: { day: 0, time: '09:00' }, kind: 'staff', nodeId: 'store-b', staff: 14 },
        { at: { day: 0, time: '09:00' }, kind: 'reassign_zones' },
        {
          at: { day: 0, time: '10:00' },
          kind: 'targets',
          coverDays: { none: 1.5, essential: 5, key: 10 },
          waves: [
            { depart: '03:00', classes: ['ambient', 'chilled', 'frozen'], leadTimeMin: 120 },
            { depart: '12:00', classes: ['chilled', 'frozen'], leadTimeMin: 120 },
          ],
        },
      ],
    },
  } as ScenarioFile;
}
