import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDb, type Db } from "../../src/db/client.js";

/** A fresh database with all migrations applied, private to one test. */
export function freshDb(): Db {
  return openDb(":memory:");
}

/** A temporary folder for database files of tests that reopen the database or start processes. */
export function tempDir(prefix = "lotsenbot-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
