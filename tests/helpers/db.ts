import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, type Db } from "../../src/db/client.js";
import { listMunicipalities, seedMunicipalities } from "../../src/features/account/index.js";
import { seedExampleCircles } from "../../src/features/circles/seed.js";

/**
 * A fresh database with all migrations applied, private to one test, with the data the features
 * seed when the bot is assembled (the 28 municipalities, the example circles).
 */
export function freshDb(): Db {
  const db = openDb(":memory:");
  seedMunicipalities(db);
  seedExampleCircles(db, new Date(), listMunicipalities(db));
  return db;
}

/** A temporary folder for database files of tests that reopen the database or start processes. */
export function tempDir(prefix = "lotsenbot-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
