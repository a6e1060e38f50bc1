import { describe, expect, it } from 'vitest';
import { en } from '../../web/src/i18n/en.ts';
import { zhCN } from '../../web/src/i18n/zh-CN.ts';
import { fillPath } from '../../web/src/api/client.ts';
import { ringToPolygon } from '../../web/src/api/incidents.ts';
import { assignNodeColors } from '../../web/src/components/colors.ts';

/** Flattens nested messages into dotted keys. */
function keys(o: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object') for (const [kk, vv] of keys(v as Record<string, unknown>, `${prefix}${k}.`)) out.set(kk, vv);
    else out.set(`${prefix}${k}`, v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('the web app’s translations', () => {
  const e = keys(en);
  const z = keys(zhCN as unknown as Record<string, unknown>);
  it('has the same keys in Chinese and English', () => {
    expect([...z.keys()].sort()).toEqual([...e.keys()].sort());
  });
  it('has no empty string and the same {{placeholders}} in both languages', () => {
    for (const [k, v] of e) {
      expect(typeof v === 'string' && v.length > 0, `en ${k}`).toBe(true);
      const zv = z.get(k) as string;
      expect(zv.length > 0, `zh-CN ${k}`).toBe(true);
      expect(placeholders(zv), `placeholders of ${k}`).toEqual(placeholders(v as string));
    }
  });
});

describe('the web app’s helpers', () => {
  it.each([
    ['/api/nodes/{id}/status', { id: 'dazu-plaza' }, '/api/nodes/dazu-plaza/status'],
    ['/api/inventory/counts/{id}/entries', { id: 'a b/c' }, '/api/inventory/counts/a%20b%2Fc/entries'],
  ])('fills the path %s', (path, params, expected) => {
    expect(fillPath(path, params)).toBe(expected);
  });

  it('throws when a path parameter is missing', () => {
    expect(() => fillPath('/api/nodes/{id}', {})).toThrow(/needs parameter id/);
  });

  it('turns drawn corners into a closed, counter-clockwise GeoJSON polygon with [lng, lat] positions', () => {
    const clockwise: Array<[number, number]> = [
      [39.8, 116.5],
      [39.8, 116.51],
      [39.79, 116.51],
      [39.79, 116.5],
    ];
    const p = ringToPolygon(clockwise);
    const ring = p.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[0]).toEqual(ring[4]);
    let area2 = 0;
    for (let i = 0; i < ring.length - 1; i++) area2 += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    expect(area2).toBeGreaterThan(0);
    expect(ring.every(([lng, lat]) => lng > 116 && lat < 40)).toBe(true);
  });

  it('gives the nodes serving zones distinct colours that stay put when a node opens', () => {
    const before = assignNodeColors(['dazu-plaza', 'yicheng-jingyuan', 'yz-satellite']);
    expect(new Set(before.values()).size).toBe(3);
    const after = assignNodeColors(['dazu-plaza', 'yicheng-jingyuan', 'yz-satellite', 'taihe-plaza', 'yz-emergency']);
    expect(new Set(after.values()).size).toBe(5);
    for (const [id, c] of before) expect(after.get(id), id).toBe(c);
  });
});
