/** The list of route plugins, one per context. */
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import system from './system.ts';
import network from './network.ts';
import inventory from './inventory.ts';
import workforce from './workforce.ts';
import zones from './zones.ts';
import planning from './planning.ts';
import orders from './orders.ts';
import trips from './trips.ts';
import incidents from './incidents.ts';
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
