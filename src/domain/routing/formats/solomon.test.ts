import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSolomon, solomonToProblem } from './solomon.ts';
import { VRPTW_DIR } from '../../../../test/fixtures/vrptw.ts';

const DIR = VRPTW_DIR;
const small = ['C101', '', 'VEHICLE', 'NUMBER     CAPACITY', '  25         200', '', 'CUSTOMER',
  'CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME', ' ',
  '    0      40         50          0          0       1236          0   ',
  '    1      45         68         10        912        967         90   '];

describe('parseSolomon', () => {
  it('reads a CRLF file: name, fleet, capacity and the depot as node 0', () => {
    const r = parseSolomon(small.join('\r\n'));
    expect(r.ok && r.value).toMatchObject({ name: 'C101', vehicleCount: 25, capacity: 200 });
    if (!r.ok) return;
    expect(r.value.nodes[1]).toEqual({ id: 1, x: 45, y: 68, demand: 10, ready: 912, due: 967, service: 90 });
    const problem = solomonToProblem(r.value);
    expect(problem.depots[0].window).toEqual([0, 1236]);
    expect(problem.travel.kind === 'arrays' && problem.travel.distance[0][1]).toBeCloseTo(Math.hypot(5, 18), 12);
  });

  it('reads every benchmark file with 100 or 200 customers', () => {
    for (const f of ['solomon/R101.txt', 'solomon/RC205.txt', 'homberger_200/c1_2_1.txt']) {
      const r = parseSolomon(readFileSync(`${DIR}/${f}`, 'utf8'));
      expect(r.ok).toBe(true);
      if (r.ok) expect([101, 201]).toContain(r.value.nodes.length);
    }
  });

  it('names the line and the field of a non-numeric value', () => {
    const bad = [...small];
    bad[10] = '    1      45         68         ten        912        967         90';
    const r = parseSolomon(bad.join('\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('line 11: DEMAND: expected a number');
  });

  it('rejects a row with a ready time after its due date', () => {
    const bad = [...small];
    bad[10] = '    1      45         68         10        968        967         90';
    const r = parseSolomon(bad.join('\n'));
    expect(!r.ok && r.error.message).toBe('line 11: READY TIME: must be <= DUE DATE (967)');
  });

  it('rejects a missing VEHICLE section and a short row', () => {
    const noVehicle = parseSolomon(['C101', '', 'CUSTOMER'].join('\n'));
    expect(!noVehicle.ok && noVehicle.error.message).toBe('line 3: VEHICLE: expected the VEHICLE section');
    const shortRow = [...small];
    shortRow[10] = '    1      45         68';
    const r = parseSolomon(shortRow.join('\n'));
    expect(!r.ok && r.error.message).toContain('line 11: row: expected 7 numbers');
  });
});
