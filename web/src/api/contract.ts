/**
 * The web's API types come from here: helpers that read request and response shapes
 * out of the generated ./schema.ts (openapi-typescript over the server's OpenAPI
 * document, `npm run gen:web-api`). The modules beside this one (trips.ts, orders.ts,
 * …) name the shapes their screens use with these helpers instead of restating them,
 * so a route that renames or drops a field breaks `npm run typecheck` after
 * regeneration, not a screen at run time.
 *
 *   ResponseOf<'/api/trips', 'get'>               the 200 answer (pass 201 etc. as the third argument)
 *   BodyOf<'/api/trips/plans', 'post'>            the JSON request body
 *   QueryOf<'/api/trips', 'get'>                  the query string's parameters
 *   Item<ResponseOf<'/api/trips', 'get'>['trips']>  one element of an array
 */
import type { paths } from './schema.ts';

type Op<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** The JSON body the server answers with for status S (200 by default). */
export type ResponseOf<P extends keyof paths, M extends keyof paths[P], S extends number = 200> =
  Op<P, M> extends { responses: { [K in S]: { content: { 'application/json': infer R } } } } ? R : never;

/** The JSON request body of an operation. */
export type BodyOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? NonNullable<B> : never;

/** The query parameters of an operation. */
export type QueryOf<P extends keyof paths, M extends keyof paths[P]> =
  Op<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** One element of an array type. */
export type Item<T> = T extends ReadonlyArray<infer E> ? E : never;

/**
 * The declared fields of a schema object that also allows others (`additionalProperties:
 * true` becomes `& { [key: string]: unknown }`): the index signature dropped, so a typo in
 * a field name is an error instead of `unknown`.
 */
export type Known<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
