/**
 * 搬仓 as one operation (the seed's day 3-4: 100,000+ items moved out of the emergency warehouse
 * within 24 hours): the stock in scope at the giver (src/domain/inventory/move-stock.ts) becomes
 * draft transfer orders, one per temperature class and vehicle-sized load, each held at the giver
 * (reservation `transfer:<id>:<item>`, released on dispatch like a sourcing plan's), and the trips
 * for the next 24 hours are planned and confirmed. Dispatch and arrival are the trips context's:
 * arrival receives each transfer with the counted quantities, and the ledger and the manifest
 * record the variances. `prepareMoveStock` plans first, outside any transaction (the routing
 * solver); `moveStock` then writes in the caller's transaction: nothing is created when a check
 * fails.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { stockToMove, type MoveScope } from '../domain/inventory/index.ts';
import { pieceCapacity, splitTransfer, type TransferPiece } from '../domain/incidents/index.ts';
import { DomainException, unwrap } from '../domain/shared/index.ts';
import type { SolveFn } from '../domain/trips/index.ts';
import * as inventory from '../store/inventory.ts';
import * as network from '../store/network.ts';
import * as trips from '../store/trips.ts';
import { tripItems, truckFleet } from './incident/loads.ts';
import { planTripsFor, prepareTrips, writeTrips, type PlannedTrips, type PreparedTrips } from './incident/steps-trips.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

export interface MoveStockRequest {
  fromNodeId: string;
  toNodeId: string;
  scope?: MoveScope;
  note?: string;
}

export interface MoveStockResult {
  moveId: string;
  fromNodeId: string;
  toNodeId: string;
  scope: MoveScope;
  items: number;
  units: number;
  transfers: Array<{ id: string; temperatureClass: string | null; units: number }>;
  trips: PlannedTrips;
}

/** What `prepareMoveStock` read and planned outside the transaction, for `moveStock` to write. */
export interface PreparedMove {
  moveId: string;
  /** The lines that move, as read then: `moveStock` checks they still hold. */
  lines: Array<{ itemId: string; quantity: number }>;
  pieces: TransferPiece[];
  trips: PreparedTrips;
}

/** The stock in scope at the giver, as lines, and its vehicle-sized pieces. Reads only. */
async function linesAndPieces(db: Db, request: MoveStockRequest, now: Date) {
  await network.requireNode(db, request.fromNodeId, 'fromNodeId');
  await network.requireNode(db, request.toNodeId, 'toNodeId');
  const scope: MoveScope = request.scope ?? {};
  const stock = (await inventory.balances(db, { nodeId: request.fromNodeId })).rows.map((r) => ({ itemId: r.itemId, category: r.category, temperatureClass: r.temperatureClass, onHand: r.onHand, reserved: r.reserved }));
  const lines = unwrap(stockToMove({ fromNodeId: request.fromNodeId, toNodeId: request.toNodeId, scope, stock }));
  const items = await tripItems(db, lines.map((l) => l.itemId));
  const pieces = splitTransfer(lines, items, pieceCapacity(await truckFleet(db, trips.beijingDay(now))));
  return { scope, lines: lines.map((l) => ({ itemId: l.itemId, quantity: l.quantity })), pieces };
}

const transferId = (moveId: string, k: number) => `${moveId}-${String(k + 1).padStart(3, '0')}`;

/**
 * The slow part of 搬仓, before its transaction: reads the stock in scope, splits it into loads
 * and plans their trips (the routing solver) for transfers not created yet. Reads only.
 */
export async function prepareMoveStock(db: Db, request: MoveStockRequest, now: Date, options: { solve?: SolveFn } = {}): Promise<PreparedMove> {
  const { lines, pieces } = await linesAndPieces(db, request, now);
  const moveId = `MV-${randomUUID().slice(0, 8)}`;
  const transfers = pieces.map((p, k) => ({ id: transferId(moveId, k), fromNodeId: request.fromNodeId, toNodeId: request.toNodeId, lines: p.lines }));
  return { moveId, lines, pieces, trips: await prepareTrips(db, { transfers, purchaseOrders: [], now }, { solve: options.solve }) };
}

/**
 * Writes a 搬仓 in the caller's transaction: the transfers with their holds, then the trips
 * `prepared` planned (confirmation checks the loads and vehicles again). When the stock in scope
 * is no longer what was planned on (or nothing was prepared), the trips are planned here.
 */
export async function moveStock(trx: Db, request: MoveStockRequest, now: Date, options: { solve?: SolveFn; prepared?: PreparedMove } = {}): Promise<MoveStockResult> {
  const { scope, lines, pieces } = await linesAndPieces(trx, request, now);
  const p0 = options.prepared;
  const same = p0 !== undefined && JSON.stringify(p0.lines) === JSON.stringify(lines) && JSON.stringify(p0.pieces) === JSON.stringify(pieces);
  const moveId = same ? p0.moveId : `MV-${randomUUID().slice(0, 8)}`;
  const transfers: MoveStockResult['transfers'] = [];
  for (const [k, p] of pieces.entries()) {
    const id = transferId(moveId, k);
    await inventory.createDraftTransfer(trx, { id, fromNodeId: request.fromNodeId, toNodeId: request.toNodeId, lines: p.lines, note: `搬仓 ${moveId}: load ${k + 1} of ${pieces.length}${p.temperatureClass ? ` (${p.temperatureClass})` : ''}${request.note ? `; ${request.note}` : ''}` }, now);
    const outcomes = await inventory.postOperations(
      trx,
      p.lines.map((l) => ({ kind: 'reserve', key: `move:${moveId}:hold:${id}:${l.itemId}`, nodeId: request.fromNodeId, itemId: l.itemId, quantity: l.quantity, reservationId: `transfer:${id}:${l.itemId}`, reason: 'manual_hold', note: `held for 搬仓 ${moveId}` })),
      { now, atomic: true },
    );
    const bad = outcomes.find((o) => !o.ok);
    if (bad && !bad.ok) throw new DomainException(bad.error);
    transfers.push({ id, temperatureClass: p.temperatureClass, units: p.lines.reduce((a, l) => a + l.quantity, 0) });
  }
  const planned = same
    ? await writeTrips(trx, p0.trips, now)
    : await planTripsFor(trx, { transferIds: transfers.map((t) => t.id), poPlanIds: [], now }, { solve: options.solve });
  return {
    moveId, fromNodeId: request.fromNodeId, toNodeId: request.toNodeId, scope, items: lines.length, units: lines.reduce((a, l) => a + l.quantity, 0), transfers, trips: planned,
  };
}
