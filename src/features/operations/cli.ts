import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import dotenv from "dotenv";
import { databasePathFromEnv } from "../../config.js";
import { backupDatabase, checkBackupFile, replaceDatabase, type BackupCheck } from "../../db/backup.js";
import { DatabaseInUseError, lockDatabase } from "../../db/lock.js";
import { backupName, fileStamp } from "./backup.js";

const REFUSALS: Record<Exclude<BackupCheck, { ok: true }>["problem"], string> = {
  missing: "Die Datei gibt es nicht.",
  "not-sqlite": "Das ist keine SQLite-Datenbank.",
  corrupt: "Die Datenbank in der Datei ist beschädigt (PRAGMA integrity_check).",
  "not-lotsenbot": "Das ist keine Datenbank von Lotsenbot (die Tabelle der Migrationen fehlt).",
  newer: "Die Sicherung stammt von einer neueren Version von Lotsenbot. Aktualisieren Sie zuerst den Bot (git pull, npm ci), dann stellen Sie sie wieder her.",
};

const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toLocaleString("de-DE", { maximumFractionDigits: 1 })} MB`;

/**
 * `npm run backup -- <file or folder>` (while the bot runs) and `npm run restore -- <file>` (with
 * the bot stopped) on the server. Reads DATABASE_PATH like the bot (environment or .env); needs no
 * bot token. Messages in German, like the bot's default. Exit codes: 0 done, 1 refused or
 * failed, 2 wrong usage.
 */
export async function runOperationsCli(args: string[], env: Record<string, string | undefined>, out: (line: string) => void, clock: () => Date = () => new Date()): Promise<number> {
  const [command, target] = args;
  if ((command !== "backup" && command !== "restore") || !target) {
    out("Aufruf: npm run backup -- sicherung.db   oder   npm run restore -- sicherung.db");
    return 2;
  }
  const databasePath = databasePathFromEnv(env);
  if (databasePath === ":memory:") {
    out("DATABASE_PATH ist :memory: – da gibt es nichts zu sichern oder wiederherzustellen.");
    return 2;
  }
  return command === "backup" ? backup(databasePath, target, out, clock) : restore(databasePath, target, out, clock);
}

async function backup(databasePath: string, target: string, out: (line: string) => void, clock: () => Date): Promise<number> {
  if (!fs.existsSync(databasePath)) {
    out(`Die Datenbank ${databasePath} gibt es nicht (DATABASE_PATH).`);
    return 1;
  }
  const file = fs.existsSync(target) && fs.statSync(target).isDirectory() ? path.join(target, backupName(clock())) : target;
  if (fs.existsSync(file)) {
    out(`Die Datei ${file} gibt es schon; sie wird nicht überschrieben. Bitte wählen Sie einen anderen Namen.`);
    return 1;
  }
  if (!fs.existsSync(path.dirname(path.resolve(file)))) {
    out(`Den Ordner ${path.dirname(path.resolve(file))} gibt es nicht.`);
    return 1;
  }
  // A connection of its own next to the running bot's; it only reads.
  const source = new Database(databasePath, { fileMustExist: true });
  try {
    source.pragma("busy_timeout = 5000");
    await backupDatabase(source, file);
  } catch (error) {
    out(`Die Sicherung ist fehlgeschlagen: ${(error as Error).message}`);
    return 1;
  } finally {
    source.close();
  }
  out(`Sicherung geschrieben: ${file} (${megabytes(fs.statSync(file).size)})`);
  return 0;
}

function restore(databasePath: string, file: string, out: (line: string) => void, clock: () => Date): number {
  let lock;
  try {
    lock = lockDatabase(databasePath);
  } catch (error) {
    if (!(error instanceof DatabaseInUseError)) throw error;
    out(`Lotsenbot läuft noch mit der Datenbank ${databasePath} (oder eine andere Wiederherstellung). Stoppen Sie ihn zuerst, z. B. mit "systemctl stop lotsenbot" oder "docker compose stop bot", und versuchen Sie es dann noch einmal.`);
    return 1;
  }
  try {
    if (sameFile(file, databasePath)) {
      out(`Die Sicherung ${file} wird nicht wiederhergestellt, es hat sich nichts geändert. Das ist die Datenbank selbst (DATABASE_PATH), keine Sicherung.`);
      return 1;
    }
    const checked = checkBackupFile(file);
    if (!checked.ok) {
      out(`Die Sicherung ${file} wird nicht wiederhergestellt, es hat sich nichts geändert. ${REFUSALS[checked.problem]}${checked.detail ? ` (${checked.detail})` : ""}`);
      return 1;
    }
    const stamp = fileStamp(clock());
    const aside = replaceDatabase(databasePath, file, stamp);
    out(`Wiederhergestellt: ${file} → ${databasePath}`);
    if (aside) out(`Die bisherige Datenbank liegt jetzt unter ${aside}.`);
    if (checked.applied < checked.known) out(`Die Sicherung ist von einer älteren Version; ${checked.known - checked.applied} Migration(en) werden beim nächsten Start angewandt.`);
    out("Starten Sie den Bot jetzt wieder.");
    return 0;
  } finally {
    lock.release();
  }
}

/** Both names lead to the same file (also through links or `./`). */
function sameFile(a: string, b: string): boolean {
  if (!fs.existsSync(a) || !fs.existsSync(b)) return path.resolve(a) === path.resolve(b);
  const [x, y] = [fs.statSync(a), fs.statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  dotenv.config({ quiet: true });
  runOperationsCli(process.argv.slice(2), process.env, (line) => console.log(line)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error("Unerwarteter Fehler:", error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
