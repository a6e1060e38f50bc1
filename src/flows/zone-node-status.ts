/**
 * The zones context's changes that set nodes' status or radius and capacity (network context):
 * declaring, lifting and ticking control areas, cancelling scheduled status changes and
 * reassignments, applying and reverting a reassignment. store/zones.ts writes only the zones
 * tables and takes the node writes as a port (`NodeWrites`); this flow passes the network
 * context's own store functions, so both run in the caller's transaction, all or nothing. The
 * signatures are store/zones.ts's without the port.
 */
import type { Kysely } from 'kysely';
import * as network from '../store/network.ts';
import * as zones from '../store/zones.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

/** The network context's node writes, as the zones context asks for them. */
export const networkNodeWrites: zones.NodeWrites = {
  setStatus: (db, nodeId, status, why, now) => network.setNodeStatus(db, nodeId, status, why, now),
  update: (db, nodeId, patch, now) => network.updateNode(db, nodeId, patch, now),
};

type Rest<F> = F extends (db: Db, nodes: zones.NodeWrites, ...rest: infer R) => infer T ? (db: Db, ...rest: R) => T : never;
const withNodes = <F extends (db: Db, nodes: zones.NodeWrites, ...rest: never[]) => unknown>(f: F): Rest<F> =>
  ((db: Db, ...rest: never[]) => f(db, networkNodeWrites, ...rest)) as Rest<F>;

/** Declares a control area; in force now, its node statuses are set at once (and recorded, so lifting undoes them). */
export const declareControlArea = withNodes(zones.declareControlArea);
/** Lifts a control area and puts its nodes' statuses back (unless another area or someone changed them). */
export const liftControlArea = withNodes(zones.liftControlArea);
/** The scheduler: areas that start or end, scheduled status changes and reassignments that are due. */
export const tickControlAreas = withNodes(zones.tickControlAreas);
/** Cancels scheduled status changes (an executed one is undone while the node still has its status). */
export const cancelScheduledStatuses = withNodes(zones.cancelScheduledStatuses);
/** Cancels scheduled reassignments (an applied one is reverted, its nodes' overrides too). */
export const cancelScheduledReassignments = withNodes(zones.cancelScheduledReassignments);
/** Applies a proposed reassignment: zones and the nodes' radius and capacity overrides. */
export const applyReassignment = withNodes(zones.applyReassignment);
/** Puts back what an applied reassignment replaced, the nodes' overrides included. */
export const revertReassignment = withNodes(zones.revertReassignment);
