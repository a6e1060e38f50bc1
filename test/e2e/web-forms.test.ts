import { describe, expect, it } from 'vitest';
import { checkCorners, checkLatitude, checkWhole } from '../../web/src/forms.ts';

const CENTRE: [number, number] = [39.795, 116.5];

describe('form checks in the web app (before anything is sent)', () => {
  it('refuses a latitude of "abc" with a message naming the value, instead of sending 0', () => {
    expect(checkLatitude('abc', 'Latitude')).toEqual({ ok: false, key: 'form.notNumber', params: { field: 'Latitude', value: 'abc' } });
    expect(checkLatitude('', 'Latitude')).toMatchObject({ ok: false, key: 'form.required' });
    expect(checkLatitude('91', 'Latitude')).toMatchObject({ ok: false, key: 'form.outOfRange', params: { min: -90, max: 90 } });
    expect(checkLatitude(' 39.79 ', 'Latitude')).toEqual({ ok: true, value: 39.79 });
  });

  it('refuses a negative or fractional quantity instead of turning it into 1', () => {
    expect(checkWhole('-3', 'Quantity', 1)).toMatchObject({ ok: false, key: 'form.wholeAtLeast', params: { value: '-3', min: 1 } });
    expect(checkWhole('1.5', 'Quantity', 1)).toMatchObject({ ok: false });
    expect(checkWhole('0', 'Quantity', 1)).toMatchObject({ ok: false });
    expect(checkWhole('0', 'Counted', 0)).toEqual({ ok: true, value: 0 });
    expect(checkWhole('12', 'Quantity', 1)).toEqual({ ok: true, value: 12 });
  });

  it('reads typed corners, one "lat, lng" per line, and names the line that is wrong', () => {
    expect(checkCorners('39.79, 116.50\n39.80 116.51\n\n39.785;116.52\n', CENTRE)).toEqual({ ok: true, value: [[39.79, 116.5], [39.8, 116.51], [39.785, 116.52]] });
    expect(checkCorners('39.79, 116.50\nabc, 116.51\n39.785, 116.52', CENTRE)).toMatchObject({ ok: false, key: 'form.lineBad', params: { line: 2 } });
    expect(checkCorners('39.79, 116.50\n39.80, 116.51', CENTRE)).toMatchObject({ ok: false, key: 'form.tooFewCorners', params: { n: 2 } });
    expect(checkCorners('31.23, 121.47\n39.80, 116.51\n39.785, 116.52', CENTRE)).toMatchObject({ ok: false, key: 'form.outsideDistrict', params: { line: 1 } });
  });
});
