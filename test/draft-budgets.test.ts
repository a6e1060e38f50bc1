/**
 * The server's own draft budgets (BAOGONG_DRAFT_BUDGETS): parsed once when the incident routes are
 * registered, refused with the field named when they do not match the draft body's schema.
 */
import { describe, expect, it } from 'vitest';
import { DomainException } from '../src/domain/shared/index.ts';
import { serverDraftBudgets } from '../src/api/routes/incidents.ts';

/** The error a bad setting stops the server with. */
function refusal(raw: string): DomainException {
  try {
    serverDraftBudgets(raw);
  } catch (e) {
    if (e instanceof DomainException) return e;
    throw e;
  }
  throw new Error(`expected ${raw} to be refused`);
}

describe('BAOGONG_DRAFT_BUDGETS', () => {
  it('is empty when unset or blank: every draft uses the planners\' defaults', () => {
    expect(serverDraftBudgets(undefined)).toEqual({});
    expect(serverDraftBudgets('  ')).toEqual({});
  });

  it('holds the draft body\'s fields as given', () => {
    const budgets = { sourcingTimeLimitS: 3, tripsBudgetMs: 1000, tripsMaxIterations: 100, rosterTimeLimitS: 1, tripsDays: 2, rosterDays: 3 };
    expect(serverDraftBudgets(JSON.stringify(budgets))).toEqual(budgets);
  });

  it('refuses what is not a JSON object, a field out of range and an unknown field, naming the field', () => {
    expect(refusal('3s').error).toMatchObject({ code: 'validation_failed', field: 'BAOGONG_DRAFT_BUDGETS', actual: '3s' });
    expect(refusal('[1]').error).toMatchObject({ field: 'BAOGONG_DRAFT_BUDGETS', expected: 'a JSON object' });
    expect(refusal('{"tripsBudgetMs": 50}').error).toMatchObject({ field: 'BAOGONG_DRAFT_BUDGETS.tripsBudgetMs', actual: 50 });
    expect(refusal('{"sourcingTimeLimitS": "3"}').error).toMatchObject({ field: 'BAOGONG_DRAFT_BUDGETS.sourcingTimeLimitS', actual: '3' });
    expect(refusal('{"tripBudgetMs": 1000}').error.field).toMatch(/^BAOGONG_DRAFT_BUDGETS/);
  });
});
