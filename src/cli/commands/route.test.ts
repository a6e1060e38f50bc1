import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { registerRouteCommands, routeSolve } from './route.ts';
import path from 'node:path';
import { VRPTW_DIR } from '../../../test/fixtures/vrptw.ts';

const C101 = path.join(VRPTW_DIR, 'solomon', 'C101.txt');

describe('route solve', () => {
  it('solves C101 and reports the gap to the best-known solution from the csv beside it', () => {
    const out = routeSolve(C101, { timeLimit: '0.5', progress: false });
    expect(out).toMatchObject({ instance: 'C101', objective: 'distance', violations: [], unassigned: [] });
    expect(out.bks).toMatchObject({ distance: 828.94, source: 'distonly_distance' });
    // Loose on purpose: a wall-clock half second on a loaded CI machine may be little search.
    expect(out.gapPct as number).toBeLessThan(3);
  });

  it('prints a table by default, one line per route', async () => {
    const program = new Command().option('--json').exitOverride();
    registerRouteCommands(program);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await program.parseAsync(['node', 'baogong', 'route', 'solve', C101, '--time-limit', '0.2', '--no-progress']);
    const printed = write.mock.calls.map((c) => String(c[0])).join('');
    write.mockRestore();
    expect(() => JSON.parse(printed)).toThrow();
    expect(printed).toMatch(/^instance\s+C101\s*$/m);
    expect(printed).toMatch(/^violations\s+none\s*$/m);
    const routeLines = printed.split('\n').filter((l) => /^\S+\s+\d+\s+[\d.]+\s+\d+/.test(l));
    expect(routeLines.length).toBeGreaterThanOrEqual(10);
  });

  it('prints JSON through commander with --json', async () => {
    const program = new Command().option('--json').exitOverride();
    registerRouteCommands(program);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await program.parseAsync(['node', 'baogong', '--json', 'route', 'solve', C101, '--time-limit', '0.2', '--objective', 'vehicles', '--no-progress']);
    const printed = write.mock.calls.map((c) => String(c[0])).join('');
    write.mockRestore();
    const json = JSON.parse(printed);
    expect(json.vehicles).toBeGreaterThanOrEqual(10); // 10 is optimal; a short, loaded run may stop at 11
    expect(json.violations).toEqual([]);
    expect(json.bks.source).toBe('hier_distance');
  });

  it('rejects a bad objective and a missing file with exit code 2', () => {
    expect(() => routeSolve(C101, { timeLimit: '1', objective: 'cheapest' })).toThrow('--objective: expected "distance" or "vehicles", got "cheapest"');
    expect(() => routeSolve('/nope.txt', { timeLimit: '1' })).toThrow('/nope.txt: no such file');
  });
});
