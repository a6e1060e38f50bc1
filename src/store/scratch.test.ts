import { describe, expect, it } from 'vitest';
import { dropTarEntries, isUnneededWal } from './scratch.ts';

/** A ustar entry: a 512-byte header (name, octal size, type) and the data padded to 512. */
function entry(name: string, data: string, type = '0'): Uint8Array {
  const header = new Uint8Array(512);
  const put = (at: number, s: string) => header.set(new TextEncoder().encode(s), at);
  put(0, name);
  put(124, data.length.toString(8).padStart(11, '0'));
  put(156, type);
  const body = new Uint8Array(Math.ceil(data.length / 512) * 512);
  body.set(new TextEncoder().encode(data));
  return Uint8Array.from([...header, ...body]);
}
const tarOf = (...es: Uint8Array[]) => Uint8Array.from([...es.flatMap((e) => [...e]), ...new Uint8Array(1024)]);
const names = (tar: Uint8Array) => {
  const out: string[] = [];
  for (let at = 0; at + 512 <= tar.length; ) {
    const h = tar.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    out.push(new TextDecoder().decode(h.subarray(0, 100)).replace(/\0.*$/s, ''));
    at += 512 + Math.ceil(Number.parseInt(new TextDecoder().decode(h.subarray(124, 136)).replace(/\0.*$/s, ''), 8) / 512) * 512;
  }
  return out;
};

describe('template tarballs without the WAL a restart does not read', () => {
  const seg = (n: number) => `/pg_wal/${n.toString(16).toUpperCase().padStart(24, '0')}`;
  const redo = seg(5).slice(8);

  it('keeps the segments from the redo point to the insert point and every other file', () => {
    const tar = tarOf(entry('/base', '', '5'), entry('/base/1/1259', 'x'.repeat(700)), entry(seg(4), 'old'), entry(seg(5), 'now'), entry(seg(6), 'next'), entry('/PG_VERSION', '17'));
    const out = dropTarEntries(tar, (n) => isUnneededWal(n, redo, redo));
    expect(names(out)).toEqual(['/base', '/base/1/1259', seg(5), '/PG_VERSION']);
    expect(out.length).toBeLessThan(tar.length);
  });

  it('returns the tarball as it is when nothing is dropped or an entry is of a kind it does not read', () => {
    const plain = tarOf(entry('/PG_VERSION', '17'), entry(seg(5), 'now'));
    expect(dropTarEntries(plain, (n) => isUnneededWal(n, redo, redo))).toBe(plain);
    const pax = tarOf(entry('/x', 'path=/long', 'x'), entry(seg(4), 'old'));
    expect(dropTarEntries(pax, (n) => isUnneededWal(n, redo, redo))).toBe(pax);
  });
});
