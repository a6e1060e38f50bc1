/**
 * One process at a time in an embedded (PGlite) database folder.
 *
 * PGlite is a single-process database: two processes that open the same folder each
 * believe they own it, and the writes of one are lost when the other closes. So the
 * process that opens a folder first creates `<folder>/baogong.lock` (atomically, with
 * O_EXCL) holding its pid, host, what it is (`serve`, `cli`), when it started and, once a
 * server listens, the URL that reaches it. Any other process that tries to open the
 * folder is refused with a `FolderLockedError` that names the holder and its URL.
 *
 * A lock whose process is gone (same host, pid no longer alive) is stale: it is taken
 * over. A lock from another host is never taken over (we cannot see its processes).
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'baogong.lock';

export interface LockHolder {
  pid: number;
  host: string;
  /** What holds the folder: `serve` (a server) or `cli` (a one-off in-process command). */
  purpose: string;
  startedAt: string;
  /** How to reach the holder, when it is a server that listens. */
  url?: string;
}

export class FolderLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly holder: LockHolder,
  ) {
    const how = holder.url
      ? `reach it with --server ${holder.url} (or BAOGONG_URL=${holder.url})`
      : holder.purpose === 'serve'
        ? 'it is a server that is still starting; try again in a moment with --server <its url>'
        : 'wait for that command to finish';
    super(
      `the database folder ${folder} is in use by process ${holder.pid} on ${holder.host} (baogong ${holder.purpose}, since ${holder.startedAt}); ` +
        `${how}. Nothing was changed. (Lock file: ${path.join(folder, LOCK_FILE)}; remove it only if that process is gone.)`,
    );
    this.name = 'FolderLockedError';
  }
}

export interface FolderLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Records the URL a server listens on, so a refused process can say how to reach it. */
  setUrl(url: string): void;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

/** Takes the folder's lock or throws `FolderLockedError` naming the process that holds it. */
export function acquireFolderLock(folder: string, purpose: string, now: Date = new Date()): FolderLock {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, host: hostname(), purpose, startedAt: now.toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const other = readHolder(file);
      if (other && other.pid !== process.pid && (other.host !== holder.host || isAlive(other.pid))) throw new FolderLockedError(folder, other);
      if (!other && attempt === 0) {
        // Being written right now by a process that just created it: look again shortly.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        continue;
      }
      // Stale (its process is gone), unreadable twice, or left by this very process: take it over.
      try {
        unlinkSync(file);
      } catch {
        /* someone else took it over first; the next attempt decides */
      }
      continue;
    }
    writeSync(fd, JSON.stringify(holder));
    closeSync(fd);
    let released = false;
    const onExit = () => lock.release();
    const lock: FolderLock = {
      file,
      holder,
      setUrl(url) {
        holder.url = url;
        writeFileSync(file, JSON.stringify(holder));
      },
      release() {
        if (released) return;
        released = true;
        process.off('exit', onExit);
        if (readHolder(file)?.pid === process.pid) {
          try {
            unlinkSync(file);
          } catch {
            /* already gone */
          }
        }
      },
    };
    // A process that exits without closing the database still frees the folder.
    process.on('exit', onExit);
    return lock;
  }
  throw new FolderLockedError(folder, readHolder(file) ?? { pid: -1, host: 'unknown', purpose: 'unknown', startedAt: 'unknown' });
}
