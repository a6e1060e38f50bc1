/**
 * `npm run bench -- NAME [--full] [args…]`: runs one benchmark, which prints its
 * readable table; then this prints the headline figures as the very last line,
 * one JSON object, so runs can be compared.
 */
const NAMES = ['ledger', 'zones', 'orders', 'sourcing', 'routing', 'staff', 'simulate', 'incident'] as const;

const [name, ...rest] = process.argv.slice(2);
if (!name || !NAMES.includes(name as (typeof NAMES)[number])) {
  process.stderr.write(`usage: npm run bench -- NAME [--full]\n  NAME: ${NAMES.join(', ')}\n`);
  process.exit(2);
}
let mod: { run: (args: string[]) => Promise<Record<string, number>> };
try {
  mod = await import(`./${name}.ts`);
} catch (e) {
  process.stderr.write(`benchmark ${name} is not available: ${(e as Error).message}\n`);
  process.exit(1);
}
const started = performance.now();
const figures = await mod.run(rest);
process.stderr.write(`(${name} took ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
process.stdout.write(JSON.stringify({ bench: name, ...figures }) + '\n');
process.exit(0);
