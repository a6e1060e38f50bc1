/**
 * A trip plan's confirmation, a trip's dispatch and its arrival, through the workflow runner
 * (./workflow.ts; journal `workflow_steps`): the trips context's own writes (store/trips.ts) and
 * the stock they move through the inventory ledger (store/inventory.ts), each step in its own
 * transaction with its record.
 *
 *   confirm:  trips          the proposed plan's trips, stops and manifests (compensation: the trips cancelled)
 *   dispatch: trip           the trip `dispatched`          (compensation: confirmed again)
 *             transfers      every transfer on it leaves its origin: holds released, shipped first-expired-first-out
 *   arrive:   stops          counted quantities on the manifests, stops arrived, the trip completed when all are
 *                            (compensation: the stops pending again)
 *             receipts       the transfers received at their destinations (short and over are the ledger's variances)
 *
 * The stock moves in the last step of each, all transfers of the trip in one transaction (all or
 * none), so a failure there leaves nothing to undo but the trip's own step. Stock that left or
 * arrived is not un-moved by a compensation: an undo after that is refused, naming the trip. A run
 * killed midway is resumed by the same request (the journal is keyed by the trip).
 */
import type { Kysely } from 'kysely';
import { DomainException, fail } from '../domain/shared/index.ts';
import * as inventory from '../store/inventory.ts';
import * as trips from '../store/trips.ts';
import { workflowJournal } from '../store/workflow.ts';
import { dispatchPlanTransfer } from './plan-apply.ts';
import { runOrResume, throwIfFailed, type RunOptions, type Step } from './workflow.ts';
import type { DB } from '../store/tables.ts';

type Db = Kysely<DB>;

const stockMoved = (what: string, tripId: string): never =>
  fail({ code: 'conflict', field: 'id', message: `the stock of trip ${tripId} has ${what}; it is not moved back by an undo (receive it, or move it back with a transfer)`, expected: 'stock not moved', actual: tripId });

/** The steps of a dispatch. */
export function dispatchSteps(tripId: string, now: () => Date): Step[] {
  return [
    {
      name: 'trip',
      run: (trx) => trips.startDispatch(trx, tripId, now()),
      compensate: (trx) => trips.undoDispatch(trx, tripId),
    },
    {
      name: 'transfers',
      run: async (trx, _prepared, earlier) => {
        const stops = (earlier?.[0] ?? []) as Array<{ seq: number; transferId: string }>;
        for (const s of stops) {
          try {
            // The ledger key is the transfer's own dispatch key, so a transfer dispatched by hand meanwhile is not moved twice.
            await dispatchPlanTransfer(trx, s.transferId, `transfer:${s.transferId}:dispatch`, now());
          } catch (e) {
            if (e instanceof DomainException) throw new DomainException({ ...e.error, message: `stop ${s.seq}, transfer ${s.transferId}: ${e.error.message}`, details: { ...(e.error.details ?? {}), tripId, stop: s.seq, transferId: s.transferId } });
            throw e;
          }
        }
        return { transfers: stops.map((s) => s.transferId) };
      },
      compensate: async () => stockMoved('left its origin', tripId),
    },
  ];
}

/**
 * Dispatch: every transfer on the trip leaves its origin and is in transit, all or none
 * (POST /api/trips/:id/dispatch). Answers the trip, or throws the failing step's error.
 */
export async function dispatchTrip(db: Db, tripId: string, now: () => Date, options: RunOptions = {}): Promise<trips.TripView> {
  throwIfFailed(await runOrResume(db, dispatchSteps(tripId, now), workflowJournal('trip_dispatch', tripId, now), options));
  return trips.requireTrip(db, tripId);
}

/** The steps of an arrival at some of a trip's stops. */
export function arrivalSteps(tripId: string, arrivals: trips.ArrivalInput[], now: () => Date): Step[] {
  return [
    {
      name: 'stops',
      run: (trx) => trips.recordArrival(trx, tripId, arrivals, now()),
      compensate: (trx) => trips.undoArrival(trx, tripId, arrivals.map((a) => a.seq)),
    },
    {
      name: 'receipts',
      run: async (trx, _prepared, earlier) => {
        const receipts = (earlier?.[0] ?? []) as Awaited<ReturnType<typeof trips.recordArrival>>;
        for (const r of receipts) await inventory.receiveTransfer(trx, { key: `transfer:${r.transferId}:receive`, transferId: r.transferId, lines: r.lines }, now());
        return { received: receipts.map((r) => r.transferId) };
      },
      compensate: async () => stockMoved('been received', tripId),
    },
  ];
}

/**
 * Arrival at stops (POST /api/trips/:id/arrive): a transfer stop is received at its destination
 * with the counted quantities (short and over are recorded by the ledger as variances); the
 * manifest keeps what was counted. When every stop has arrived the trip is completed.
 */
export async function arriveTrip(db: Db, tripId: string, arrivals: trips.ArrivalInput[], now: () => Date, options: RunOptions = {}): Promise<trips.TripView> {
  const run = `${tripId}@${arrivals.map((a) => a.seq).sort((a, b) => a - b).join(',')}`;
  throwIfFailed(await runOrResume(db, arrivalSteps(tripId, arrivals, now), workflowJournal('trip_arrive', run, now), options));
  return trips.requireTrip(db, tripId);
}

/**
 * Confirms a proposed trip plan (POST /api/trips/plans/:id/confirm): one step, its trips made
 * with their stops and manifests; undone by cancelling them.
 */
export async function confirmTripPlan(db: Db, planId: string, now: () => Date, options: RunOptions = {}): Promise<trips.PlanView & { tripIds: string[] }> {
  let confirmed: (trips.PlanView & { tripIds: string[] }) | null = null;
  const steps: Step[] = [
    {
      name: 'trips',
      run: async (trx) => {
        confirmed = await trips.confirmPlan(trx, planId, now());
        return { tripIds: confirmed.tripIds };
      },
      compensate: async (trx, r) => {
        for (const id of (r as { tripIds: string[] }).tripIds) await trips.cancelTrip(trx, id);
      },
    },
  ];
  throwIfFailed(await runOrResume(db, steps, workflowJournal('trip_confirm', planId, now), options));
  return confirmed ?? { ...(await trips.requirePlan(db, planId)), tripIds: (await trips.listTrips(db, { planId })).map((t) => t.id) };
}
