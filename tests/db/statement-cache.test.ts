import { afterEach, describe, expect, it } from "vitest";
import { closeDb, type Db } from "../../src/db/client.js";
import { freshDb } from "../helpers/db.js";

/**
 * db/client.ts hands out one compiled statement per SQL text: what one caller switched on for
 * its rows (pluck, expand, raw) must not reach the next, and a statement still being iterated is
 * not handed out again.
 */
describe("the compiled-statement cache", () => {
  let db: Db;
  afterEach(() => closeDb(db));

  const seed = () => {
    db = freshDb();
    db.$client.exec("create table t_cache (id integer primary key, name text); insert into t_cache (name) values ('a'), ('b');");
  };

  it("gives the next caller rows as objects, whatever the last one switched on", () => {
    seed();
    const sql = "select id, name from t_cache order by id";
    expect(db.$client.prepare(sql).pluck().all()).toEqual([1, 2]);
    expect(db.$client.prepare(sql).all()).toEqual([{ id: 1, name: "a" }, { id: 2, name: "b" }]);
    expect(db.$client.prepare(sql).expand().get()).toEqual({ t_cache: { id: 1, name: "a" } });
    expect(db.$client.prepare(sql).get()).toEqual({ id: 1, name: "a" });
  });

  it("does not hand out a statement that is still being iterated", () => {
    seed();
    const sql = "select id from t_cache order by id";
    const seen: Array<{ id: number; count: number }> = [];
    for (const row of db.$client.prepare(sql).iterate() as IterableIterator<{ id: number }>) {
      seen.push({ id: row.id, count: db.$client.prepare(sql).all().length });
    }
    expect(seen).toEqual([{ id: 1, count: 2 }, { id: 2, count: 2 }]);
  });
});
