/** Lazy response serializers: compiled on first use, the same output as fast-json-stringify's, and a bad schema named. */
import { describe, expect, it } from 'vitest';
import { lazySerializers } from './lazy-serializers.ts';

const route = (schema: unknown) => ({ schema, method: 'GET', url: '/api/things/:id', httpStatus: '200' });

describe('lazySerializers', () => {
  it('compiles a serializer on its first use, drops what the schema does not name, and compiles it once', () => {
    const lazy = lazySerializers();
    const compile = lazy.factory({}, {});
    const serialize = compile(route({ type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer' } } }));
    expect(serialize({ id: 'a', n: 2, secret: 'x' })).toBe('{"id":"a","n":2}');
    expect(serialize({ id: 'b', n: 3 })).toBe('{"id":"b","n":3}');
    expect(lazy.compileAll()).toBe(0);
  });

  it('compiles every pending serializer on compileAll, and names the route of a schema that does not compile', () => {
    const lazy = lazySerializers();
    const compile = lazy.factory({}, {});
    compile(route({ type: 'object', properties: { id: { type: 'string' } } }));
    const bad = compile({ ...route({ type: 'object', properties: { id: { $ref: '#/definitions/missing' } } }), url: '/api/broken' });
    expect(() => lazy.compileAll()).toThrow(/GET \/api\/broken \(status 200\) does not compile/);
    expect(() => bad({ id: 'a' })).toThrow(/\/api\/broken/);
  });
});
