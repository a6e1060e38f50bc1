/**
 * The TypeBox type provider: a route's `req.params`, `req.query`, `req.body` and `req.headers`
 * get the static types of the TypeBox schemas it declares (the same schemas that validate the
 * request and describe it in /openapi.json), so handlers need no `req.params as { … }` casts.
 * Replies stay unchecked by type (`serializer: unknown`): the response schemas shape them.
 */
import { Type, type Static, type StringOptions, type TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';

export interface TypeBoxTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: unknown;
}

/** A Fastify instance whose routes take their request types from their schemas. */
export type TypedApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** The same instance, typed by its routes' TypeBox schemas (`const app = typed(scope)`). */
export function typed(app: FastifyInstance): TypedApp {
  return app.withTypeProvider<TypeBoxTypeProvider>();
}

/** A string schema `{ enum: values }` (as `Type.String({ enum })` writes it), typed as the union of the values. */
export const StringEnum = <T extends readonly string[]>(values: T, options: StringOptions = {}) => Type.Unsafe<T[number]>(Type.String({ enum: [...values], ...options }));

/**
 * A reference to a schema registered once with `scope.addSchema(schema)` (it has an `$id`),
 * typed as that schema. /openapi.json lists it once under components.schemas and every route
 * answering with it points there, so the web's generated types hold it once too.
 */
export function Ref<T extends TSchema>(schema: T) {
  if (!schema.$id) throw new Error('Ref: the schema has no $id (give it one and register it with addSchema)');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}
