/** The list of route plugins, one per context. */
import type { TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import system from './system.ts';
import network from './network.ts';
import inventory from './inventory.ts';
import workforce, { sharedSchemas as workforceSchemas } from './workforce.ts';
import zones, { sharedSchemas as zonesSchemas } from './zones.ts';
import planning, { sharedSchemas as planningSchemas } from './planning.ts';
import orders from './orders.ts';
import trips, { sharedSchemas as tripsSchemas } from './trips.ts';
import incidents, { sharedSchemas as incidentSchemas } from './incidents.ts';
import board from './board.ts';
import stockMoves from './stock-moves.ts';

export type RoutePlugin = (app: FastifyInstance, deps: AppDeps) => Promise<void>;

/** Every context's routes. Add one line per context. */
export const routePlugins: RoutePlugin[] = [
  system,
  network,
  inventory,
  workforce,
  zones,
  planning,
  orders,
  trips,
  incidents,
  board,
  stockMoves,
];

/**
 * Response schemas several routes answer with, each with an `$id`: the server registers them
 * once (app.addSchema) and routes point at them with `Ref(schema)` (src/api/typebox.ts).
 * Registered at the root, not in the plugin: a plugin scope that adds a schema gets Fastify's
 * default (strict) validator instead of the one installInputHardening sets.
 */
export const sharedSchemas: TSchema[] = [...workforceSchemas, ...zonesSchemas, ...planningSchemas, ...tripsSchemas, ...incidentSchemas];
