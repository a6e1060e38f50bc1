import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.ts';
import system from './system.ts';
import network from './network.ts';
import zones from './zones.ts';

export type RoutePlugin = (app: FastifyInstance, deps: AppDeps) => Promise<void>;

/** Every context's routes. Add one line per context. */
export const routePlugins: RoutePlugin[] = [
  system,
  network,
  zones,
];
