/**
 * The web's API modules take their server shapes from the generated schema (web/src/api/contract.ts),
 * not from hand-written interfaces: only the view models a screen builds itself are declared by hand.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const API_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web', 'src', 'api');
/** Generated, or the machinery itself (client, operation list, the helpers). */
const NOT_CONTEXT_MODULES = new Set(['schema.ts', 'contract.ts', 'client.ts', 'operations.ts']);
/** Shapes the app builds itself (view models and inputs of the incident workflow), not server answers. */
const VIEW_MODELS = new Set(['IncidentPlan', 'KpiComparison', 'WarehouseInput', 'ProposeInput']);

const modules = readdirSync(API_DIR).filter((f) => f.endsWith('.ts') && !NOT_CONTEXT_MODULES.has(f));

/** Names of `interface X` and object-literal `type X = {` declarations in a file. */
function handShapes(text: string): string[] {
  return [...text.matchAll(/^\s*(?:export\s+)?(?:interface\s+(\w+)|type\s+(\w+)\s*=\s*\{)/gm)].map((m) => m[1] ?? m[2]);
}

describe('web API types', () => {
  it('finds the context modules (so the checks below are not vacuous)', () => {
    expect(modules).toEqual(expect.arrayContaining(['trips.ts', 'orders.ts', 'inventory.ts', 'incidents.ts']));
  });

  it('recognises a hand-written shape', () => {
    expect(handShapes('export interface Trip {\n  id: string;\n}\ntype Row = { id: string };\nexport type T = ResponseOf<"/api/trips", "get">;')).toEqual(['Trip', 'Row']);
  });

  it.each(modules)('%s declares no server shape by hand and reads them from contract.ts', (file) => {
    const text = readFileSync(path.join(API_DIR, file), 'utf8');
    expect(handShapes(text).filter((n) => !VIEW_MODELS.has(n))).toEqual([]);
    if (/\bapi\.(get|post|put|patch|del)\b/.test(text)) expect(text).toMatch(/from '\.\/contract\.ts'/);
  });
});
