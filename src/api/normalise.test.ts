import { describe, expect, it } from 'vitest';
import { normalisePath } from './normalise.ts';

describe('normalisePath', () => {
  it.each([
    ['/%61pi/users', '/api/users'],
    ['/api/%75%73%65%72%73', '/api/users'],
    ['//api//users', '/api/users'],
    ['/api/./users', '/api/users'],
    ['/api/%2e/users', '/api/users'],
    ['/api/x/../users', '/api/users'],
    ['/api/users/', '/api/users'],
    ['/../../api/users', '/api/users'],
    ['/', '/'],
    ['', '/'],
  ])('gives %s the canonical form %s', (raw, canonical) => {
    expect(normalisePath(raw)).toBe(canonical);
  });
  it('keeps the query string and reserved characters as they are', () => {
    expect(normalisePath('/api/nodes/a%2Fb?x=%61&y=/./')).toBe('/api/nodes/a%2Fb?x=%61&y=/./');
  });
});
