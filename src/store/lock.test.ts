import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { acquireFolderLock, FolderLockedError, LOCK_FILE } from './lock.ts';

describe('the database folder lock', () => {
  const folder = () => mkdtempSync(path.join(tmpdir(), 'baogong-lock-'));

  it('writes pid and purpose, records the URL, and removes the file on release', () => {
    const dir = folder();
    const lock = acquireFolderLock(dir, 'serve');
    lock.setUrl('http://127.0.0.1:8123');
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, purpose: 'serve', url: 'http://127.0.0.1:8123' });
    lock.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    rmSync(dir, { recursive: true });
  });

  it('refuses a folder a live process holds, naming the process and how to reach it', () => {
    const dir = folder();
    const holder = { pid: process.ppid, host: hostname(), purpose: 'serve', startedAt: '2026-12-05T08:00:00.000Z', url: 'http://127.0.0.1:8081' };
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(holder));
    let error: unknown;
    try {
      acquireFolderLock(dir, 'cli');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FolderLockedError);
    expect((error as Error).message).toContain(`process ${process.ppid}`);
    expect((error as Error).message).toContain('--server http://127.0.0.1:8081');
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.ppid);
    rmSync(dir, { recursive: true });
  });

  it('takes over a lock whose process is gone', () => {
    const dir = folder();
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: 2147483646, host: hostname(), purpose: 'serve', startedAt: '2026-12-01T00:00:00.000Z' }));
    const lock = acquireFolderLock(dir, 'cli');
    expect(lock.holder.pid).toBe(process.pid);
    lock.release();
    rmSync(dir, { recursive: true });
  });
});
