/**
 * Checks served step records against this version's step result schemas (domain/incidents/steps.ts,
 * without the catch-all for earlier versions' records): what drifted, a line each.
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { APPLY_STEP_RESULTS, ApplyStepRecordSchema, LIFT_STEP_RESULTS, LiftStepRecordSchema } from '../../src/domain/incidents/index.ts';

interface Served { step: string; status: string; result: unknown }

/**
 * The records of an apply (`kind` response) or a lift whose step this version does not run, or
 * whose result (or envelope) does not match its step's schema: `step: path message` each, so an
 * empty list means every record is described exactly (a field added, dropped or retyped shows here).
 */
export function stepRecordDrift(kind: 'response' | 'lift', steps: readonly Served[]): string[] {
  const results: Record<string, TSchema> = kind === 'response' ? APPLY_STEP_RESULTS : LIFT_STEP_RESULTS;
  const envelope = kind === 'response' ? ApplyStepRecordSchema : LiftStepRecordSchema;
  return steps.flatMap((s) => {
    const schema = results[s.step];
    if (!schema) return [`${s.step}: no such ${kind === 'response' ? 'apply' : 'lift'} step`];
    if (s.result !== null) {
      const e = Value.Errors(schema, s.result).First();
      if (e) return [`${s.step}: result${e.path} ${e.message} (${JSON.stringify(e.value)?.slice(0, 120)})`];
    }
    return Value.Check(envelope, s) ? [] : [`${s.step}: the record ${JSON.stringify({ ...s, result: undefined })} does not match`];
  });
}
