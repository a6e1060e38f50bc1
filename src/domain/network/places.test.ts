import { describe, expect, it } from 'vitest';
import { searchPlaces, type Place } from './places.ts';

const place = (id: string, nameZh: string, nameEn: string, address = ''): Place => ({ id, kind: 'landmark', nameZh, nameEn, address, lat: 39.79, lng: 116.5, confidence: 'good', source: 'poi' });
const PLACES = [place('dazu', '大族广场', "Dazu (Han's) Plaza", '北京经济技术开发区 大族广场'), place('lippo', '力宝广场', 'Lippo Plaza'), place('jd', '京东总部', 'JD headquarters', '科创十一街')];

describe('address search among known places', () => {
  it('finds a place by part of its Chinese or English name, ignoring case and spaces', () => {
    expect(searchPlaces(PLACES, '大族').map((p) => p.id)).toEqual(['dazu']);
    expect(searchPlaces(PLACES, 'lippo plaza').map((p) => p.id)).toEqual(['lippo']);
    expect(searchPlaces(PLACES, 'HANS').map((p) => p.id)).toEqual(['dazu']);
  });

  it('ranks names that start with the query before names that contain it, then addresses', () => {
    expect(searchPlaces(PLACES, 'plaza').map((p) => p.id)).toEqual(['dazu', 'lippo']);
    expect(searchPlaces(PLACES, '广场').map((p) => p.id)).toEqual(['dazu', 'lippo']);
    expect(searchPlaces(PLACES, '科创').map((p) => p.id)).toEqual(['jd']);
  });

  it('finds nothing for a name that is not there, and lists every place for an empty query', () => {
    expect(searchPlaces(PLACES, 'atlantis')).toEqual([]);
    expect(searchPlaces(PLACES, '  ')).toHaveLength(3);
  });
});
