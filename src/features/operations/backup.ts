import fs from "node:fs";
import path from "node:path";
import type { Job } from "../../core/jobs.js";
import { backupDatabase } from "../../db/backup.js";
import type { Db } from "../../db/client.js";
import type { Logger } from "../../logger.js";

const DAY_MS = 24 * 60 * 60 * 1000;
/** `lotsenbot-2026-12-02T19-30-00Z.db`: sortable, safe in every file system, the time in UTC. */
const NAME = /^lotsenbot-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})Z\.db$/;

export function backupName(at: Date): string {
  return `lotsenbot-${fileStamp(at)}Z.db`;
}

/** "2026-12-02T21-55-00": a UTC time for file names (no colons). */
export function fileStamp(at: Date): string {
  return at.toISOString().slice(0, 19).replace(/:/g, "-");
}

/** The automatic backups in `dir`, newest first (other files there are left alone). */
export function listBackups(dir: string): Array<{ file: string; at: Date }> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const match = NAME.exec(name);
      return match ? [{ file: path.join(dir, name), at: new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`) }] : [];
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}

/**
 * Automatic daily backups into BACKUP_DIR: checked every hour (and at start), a new copy when the
 * newest is a day old, then all but the newest BACKUP_KEEP removed. The time of the last one
 * comes from the files' names, so it survives a restart without a table of its own.
 */
export function createBackupJob(deps: { db: Db; dir: string; keep: number; clock: () => Date; logger: Logger }): Job {
  const { db, dir, keep, clock, logger } = deps;
  let running: Promise<void> | undefined;
  const run = async () => {
    const now = clock();
    const newest = listBackups(dir)[0];
    if (newest && now.getTime() - newest.at.getTime() < DAY_MS) return;
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, backupName(now));
    await backupDatabase(db.$client, file);
    logger.info({ file, size: fs.statSync(file).size }, "automatic backup written");
    for (const old of listBackups(dir).slice(keep)) {
      fs.rmSync(old.file, { force: true });
      logger.info({ file: old.file }, "old automatic backup removed");
    }
  };
  return {
    name: "operations.backup",
    everyMs: 60 * 60 * 1000,
    atStart: true,
    // One at a time, also when a slow disk makes a backup outlast the hour.
    run: async () => {
      if (running) return running;
      running = run().finally(() => (running = undefined));
      return running;
    },
  };
}
