/**
 * The nodes a write touches, read from the entities it names: the node in the
 * path, the order's node, the count's node, both ends of a transfer, the staff
 * member's home (and the node they would move to), every node of a movement batch.
 * Node-scoped roles (node manager, counter) are checked against this list; the
 * query string is never read, so `?nodeId=` cannot widen anyone's scope. A write
 * route that is not listed here names no node, and node-scoped roles are refused
 * on it (deny by default).
 */
import { sql, type Kysely } from 'kysely';
import { fail } from '../domain/shared/index.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;
type Req = { params: Record<string, string>; body: any };
type Resolver = (db: Db, req: Req) => Promise<Array<string | null | undefined>>;

const obj = (v: unknown): Record<string, any> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : {});
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

async function column(db: Db, table: keyof DB, columns: string[], id: unknown): Promise<Array<string | null>> {
  if (typeof id !== 'string') return [];
  const { rows } = await sql<Record<string, string | null>>`SELECT ${sql.join(columns.map((c) => sql.ref(c)))} FROM ${sql.table(table)} WHERE id = ${id}`.execute(db);
  const row = rows[0];
  return row ? columns.map((c) => row[c]) : [];
}

const transferEnds = (db: Db, id: unknown) => column(db, 'stock_transfers', ['from_node_id', 'to_node_id'], id);
const countNode = (db: Db, id: unknown) => column(db, 'stock_counts', ['node_id'], id);
const orderNode = (db: Db, id: unknown) => column(db, 'orders', ['node_id'], id);
const staffNodes = (db: Db, id: unknown) => column(db, 'staff', ['home_node_id', 'inside_node_id'], id);
const reservationNode = (db: Db, id: unknown) => column(db, 'stock_reservations', ['node_id'], id);

/** The nodes one ledger operation touches (by kind). */
async function operationNodes(db: Db, op: Record<string, any>): Promise<Array<string | null | undefined>> {
  switch (op.kind) {
    case 'transfer_out':
      return [op.fromNodeId, op.toNodeId];
    case 'transfer_in':
      return transferEnds(db, op.transferId);
    case 'release':
      return reservationNode(db, op.reservationId);
    default:
      return [op.nodeId];
  }
}

const fromParam = (name: string): Resolver => async (_db, r) => [r.params[name]];

export const SCOPE_RESOLVERS: Record<string, Resolver> = {
  'POST /api/nodes/:id/status': fromParam('id'),
  'PUT /api/inventory/nodes/:nodeId/settings': fromParam('nodeId'),
  'POST /api/inventory/movements': (db, r) => operationNodes(db, obj(r.body)),
  'POST /api/inventory/movements/batch': async (db, r) => {
    const out: Array<string | null | undefined> = [];
    for (const op of list(obj(r.body).operations)) {
      const nodes = await operationNodes(db, obj(op));
      out.push(...(nodes.length ? nodes : [null]));
    }
    return out;
  },
  'POST /api/inventory/expiry-write-offs': async (_db, r) => [obj(r.body).nodeId],
  'POST /api/inventory/transfers': async (_db, r) => [obj(r.body).fromNodeId, obj(r.body).toNodeId],
  'POST /api/stock-moves': async (_db, r) => [obj(r.body).fromNodeId, obj(r.body).toNodeId],
  'POST /api/inventory/transfers/:id/dispatch': (db, r) => transferEnds(db, r.params.id),
  'POST /api/inventory/transfers/:id/receive': (db, r) => transferEnds(db, r.params.id),
  'POST /api/inventory/transfers/:id/cancel': (db, r) => transferEnds(db, r.params.id),
  'POST /api/inventory/counts': async (_db, r) => [obj(r.body).nodeId],
  'POST /api/inventory/counts/:id/entries': (db, r) => countNode(db, r.params.id),
  'POST /api/inventory/counts/:id/post': (db, r) => countNode(db, r.params.id),
  'POST /api/inventory/counts/:id/cancel': (db, r) => countNode(db, r.params.id),
  'POST /api/orders/:id/start-picking': (db, r) => orderNode(db, r.params.id),
  'POST /api/orders/:id/pack': (db, r) => orderNode(db, r.params.id),
  'POST /api/orders/:id/dispatch': (db, r) => orderNode(db, r.params.id),
  'POST /api/orders/:id/deliver': (db, r) => orderNode(db, r.params.id),
  'POST /api/orders/:id/cancel': (db, r) => orderNode(db, r.params.id),
  'PUT /api/slots': async (_db, r) => [obj(r.body).nodeId],
  'POST /api/staff': async (_db, r) => [obj(r.body).homeNodeId, obj(r.body).insideNodeId],
  'PATCH /api/staff/:id': async (db, r) => {
    const current = await staffNodes(db, r.params.id);
    if (current.length === 0) return [];
    return [...current, obj(r.body).homeNodeId, obj(r.body).insideNodeId];
  },
  'DELETE /api/staff/:id': (db, r) => staffNodes(db, r.params.id),
  'POST /api/staff/:id/unavailability': (db, r) => staffNodes(db, r.params.id),
  'PUT /api/workforce/sites/:nodeId': fromParam('nodeId'),
  'PUT /api/workforce/needs': async (_db, r) => {
    const needs = list(obj(r.body).needs);
    return needs.length ? needs.map((n) => obj(n).nodeId ?? null) : [];
  },
};

/**
 * The nodes a write on `route` touches, or an empty list when it names none (or
 * names an entity that does not exist). `null` in the entity's data (a staff
 * member living nowhere) is dropped; a missing node where one is needed makes the
 * answer `['']`, which no scope contains.
 */
export async function nodesTouched(db: Db, method: string, route: string, req: Req): Promise<string[]> {
  const resolver = SCOPE_RESOLVERS[`${method} ${route}`];
  if (!resolver) return [];
  const nodes = await resolver(db, req);
  if (nodes.length === 0) return [];
  const out = new Set<string>();
  for (const n of nodes) {
    if (typeof n === 'string' && n !== '') out.add(n);
    else if (n === null && route.includes('movements')) out.add('');
  }
  return [...out];
}

/**
 * A reservation held by an order (`<orderId>:<lineNo>`) is released or picked only
 * by that order's own lifecycle (cancel, short pick), never by a manual movement:
 * otherwise a second order could take the unit the first one holds.
 */
export async function refuseOrderReservations(db: Db, ops: Array<Record<string, any>>): Promise<void> {
  for (const [i, op] of ops.entries()) {
    if (op.kind !== 'release' && !(op.kind === 'pick' && op.reservationId !== undefined)) continue;
    const m = typeof op.reservationId === 'string' ? op.reservationId.match(/^(.+):(\d+)$/) : null;
    if (!m) continue;
    const order = await db.selectFrom('orders').select('id').where('id', '=', m[1]).executeTakeFirst();
    if (order) {
      fail({
        code: 'not_allowed',
        message: `reservation ${op.reservationId} is held by order ${m[1]}; it is released by cancelling or short-picking that order`,
        field: ops.length > 1 ? `operations.${i}.reservationId` : 'reservationId',
        expected: 'a reservation not held by an order',
        actual: op.reservationId,
      });
    }
  }
}
