import type { Db } from "./client.js";

const queries = new WeakMap<Db, Map<(db: Db) => unknown, unknown>>();

/**
 * A query of the hot paths (run on every update), built and compiled once per database instead of
 * on every call: drizzle's query building costs several times what SQLite takes to answer a
 * lookup by key. `build` returns the drizzle query's `.prepare()` with `sql.placeholder`s; it is
 * the cache key, so pass a function defined once (at module level).
 */
export function prepared<Q>(db: Db, build: (db: Db) => Q): Q {
  let perDb = queries.get(db);
  if (!perDb) {
    perDb = new Map();
    queries.set(db, perDb);
  }
  let query = perDb.get(build) as Q | undefined;
  if (query === undefined) {
    query = build(db);
    perDb.set(build, query);
  }
  return query;
}
