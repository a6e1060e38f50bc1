/**
 * Row shapes shared by the store modules, on top of the generated table types (tables.ts).
 * `Wire<T>` is a row read either through the driver (timestamps are `Date`) or through
 * `json_agg` inside a larger statement (timestamps are ISO strings): mappers take both.
 */
export type Wire<T> = { [K in keyof T]: Date extends T[K] ? T[K] | string : T[K] };
