import type { paths } from './schema.ts';
import type { BalanceRow, CountSummary, LotRow } from './inventory.ts';
import type { OrderRow, PlacementAnswer } from './orders.ts';

/**
 * Compile-time checks that what the server declares in its OpenAPI document (the
 * generated ./schema.ts) fits the shapes the screens read. A route that renames or
 * drops a field the dashboard uses breaks `npm run typecheck` after
 * `npm run gen:web-api`, instead of a screen at run time.
 */
type Ok<R, Want> = [R] extends [Want] ? true : ['server shape does not fit', R, 'expected', Want];
type Json<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer R } } };
}
  ? R
  : never;
type Nullable<T> = { [K in keyof T]: T[K] | null };

export type ContractChecks = [
  Ok<Json<'/api/inventory/balances', 'get'>['rows'][number], Nullable<BalanceRow>>,
  Ok<Json<'/api/inventory/lots', 'get'>['lots'][number], Nullable<LotRow>>,
  Ok<Json<'/api/inventory/counts', 'get'>['counts'][number], Nullable<CountSummary>>,
  Ok<Json<'/api/orders', 'get'>['orders'][number], Pick<Nullable<OrderRow>, 'id' | 'customerId' | 'nodeId' | 'slotStart' | 'status' | 'placedAt'>>,
  Ok<Json<'/api/orders', 'post', 201>, Pick<PlacementAnswer, 'status' | 'message'>>,
];

export const contractChecks: ContractChecks = [true, true, true, true, true];
