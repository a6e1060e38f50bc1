/**
 * Which bounded context owns which table, which context each `src/store/` module belongs to, and
 * what a context's store module may use of another's: the map `check-store-boundaries.ts` checks
 * (docs/architecture.md, "Store modules touch only their own context's tables"). A new table
 * fails the typecheck until it is given an owner here (`satisfies Record<keyof DB, Context>`).
 */
import type { DB } from '../src/store/tables.ts';

export type Context = 'platform' | 'auth' | 'network' | 'inventory' | 'zones' | 'orders' | 'planning' | 'trips' | 'workforce' | 'incidents';

export const TABLE_OWNER = {
  // platform: the request and workflow machinery every context shares
  idempotency_keys: 'platform',
  settings: 'platform',
  workflow_steps: 'platform',
  // auth and audit
  users: 'auth',
  auth_tokens: 'auth',
  audit_log: 'auth',
  // network: nodes, items, baseline demand
  nodes: 'network',
  node_status_events: 'network',
  items: 'network',
  baseline_demand: 'network',
  // inventory: the stock ledger, transfers, counts
  stock_operations: 'inventory',
  stock_movements: 'inventory',
  stock_item_balances: 'inventory',
  stock_balances: 'inventory',
  stock_lots: 'inventory',
  stock_reservations: 'inventory',
  stock_transfers: 'inventory',
  stock_transfer_lines: 'inventory',
  inventory_node_settings: 'inventory',
  stock_counts: 'inventory',
  stock_count_lines: 'inventory',
  // zones: delivery zones, control areas, scheduled changes
  delivery_zones: 'zones',
  zone_backup_nodes: 'zones',
  zones_meta: 'zones',
  control_areas: 'zones',
  control_area_effects: 'zones',
  zone_reassignments: 'zones',
  zone_audit_events: 'zones',
  zone_node_kind_limits: 'zones',
  zone_scheduled_node_status: 'zones',
  zone_scheduled_reassignment: 'zones',
  // orders
  order_windows: 'orders',
  order_slots: 'orders',
  orders: 'orders',
  order_lines: 'orders',
  order_events: 'orders',
  purchase_counters: 'orders',
  purchase_limits: 'orders',
  group_orders: 'orders',
  // planning & sourcing
  planning_settings: 'planning',
  planning_assortment: 'planning',
  planning_suppliers: 'planning',
  planning_supplier_items: 'planning',
  planning_dc_shipments: 'planning',
  planning_plans: 'planning',
  planning_plan_lines: 'planning',
  planning_plan_shortages: 'planning',
  planning_purchase_orders: 'planning',
  planning_purchase_order_lines: 'planning',
  planning_diversions: 'planning',
  // trips
  trip_vehicle_types: 'trips',
  trip_vehicles: 'trips',
  trip_fleet_availability: 'trips',
  trip_settings: 'trips',
  trip_plans: 'trips',
  trips: 'trips',
  trip_stops: 'trips',
  trip_manifest_lines: 'trips',
  // workforce
  staff: 'workforce',
  staff_roles: 'workforce',
  staff_unavailability: 'workforce',
  workforce_sites: 'workforce',
  workforce_fixed_needs: 'workforce',
  workforce_rules: 'workforce',
  staffing_plans: 'workforce',
  staffing_needs: 'workforce',
  staffing_assignments: 'workforce',
  // incidents, the response plans, their apply journal, reconciliation, the board
  incidents: 'incidents',
  incident_areas: 'incidents',
  response_plans: 'incidents',
  response_plan_parts: 'incidents',
  incident_applied_steps: 'incidents',
  incident_reconciliations: 'incidents',
  incident_reconciliation_runs: 'incidents',
  board_alert_acks: 'incidents',
} as const satisfies Record<keyof DB, Context>;

/**
 * The context of each store module (`src/store/<name>.ts`, or a folder `src/store/<name>/`).
 * Platform modules (the database, migrations, templates, locks, the demo loader, the workflow
 * journal) are infrastructure: the table rule holds for them, the import rule does not.
 */
export const MODULE_CONTEXT: Record<string, Context> = {
  auth: 'auth',
  roles: 'auth',
  network: 'network',
  inventory: 'inventory',
  zones: 'zones',
  orders: 'orders',
  planning: 'planning',
  trips: 'trips',
  workforce: 'workforce',
  incidents: 'incidents',
  board: 'incidents',
  db: 'platform',
  migrate: 'platform',
  scratch: 'platform',
  lock: 'platform',
  'batch-transaction': 'platform',
  demo: 'platform',
  tables: 'platform',
  workflow: 'platform',
  'json-rows': 'platform',
  rows: 'platform',
  'pglite-dialect': 'platform',
};

/**
 * What another context's store module may import from a context's module: its read functions
 * (and any type). Writes across contexts belong in a flow (`src/flows/`), never in a store module.
 */
export const PUBLIC_READS: Partial<Record<Context, readonly string[]>> = {
  network: ['getNode', 'requireNode', 'listNodes', 'listItems', 'itemsByIds', 'listDemand', 'demandByNode'],
  inventory: ['balances', 'safetyBuffers', 'getTransfer', 'getTransfers', 'requireTransfer', 'listTransfers'],
  orders: ['listOrders', 'slotViews'],
};

/**
 * Reads of another context's table that stay, each with its reason. Only reads (FROM / JOIN):
 * a write to another context's table is never allowed.
 */
export const ALLOWED_READS: ReadonlyArray<{ module: string; table: keyof DB; why: string }> = [
  { module: 'orders', table: 'items', why: 'order placement loads the items with their limits in the one statement that places a batch of orders (src/flows/order-batcher.ts)' },
  { module: 'orders', table: 'nodes', why: 'order placement checks the nodes trade in the one statement that places a batch of orders' },
  { module: 'orders', table: 'idempotency_keys', why: 'the stored answers of a batch of Idempotency-Keys, read in the batch statement' },
];
