import fs from "node:fs";
import dotenv from "dotenv";
import { databasePathFromEnv } from "../../config.js";
import { createI18n } from "../../core/i18n.js";
import { closeDb, openDb } from "../../db/client.js";
import { listMunicipalities, seedMunicipalities } from "../account/index.js";
import type { CsvProblem } from "./csv.js";
import { checkCirclesCsv, exportCirclesCsv } from "./import-service.js";
import { seedExampleCircles } from "./seed.js";

/**
 * `npm run circles:import -- file.csv` and `npm run circles:export -- file.csv` on the server.
 * Reads DATABASE_PATH like the bot (environment or .env); needs no bot token. Messages in German,
 * like the bot's default. Exit codes: 0 done, 1 file rejected or unreadable, 2 wrong usage.
 */
export function runCirclesCli(args: string[], env: Record<string, string | undefined>, out: (line: string) => void, clock: () => Date = () => new Date()): number {
  const [command, file] = args;
  if ((command !== "import" && command !== "export") || !file) {
    out("Aufruf: npm run circles:import -- datei.csv   oder   npm run circles:export -- datei.csv");
    return 2;
  }
  const db = openDb(databasePathFromEnv(env));
  try {
    // As at the bot's start: the municipalities, and the example circles of a directory never used.
    seedMunicipalities(db);
    seedExampleCircles(db, clock(), listMunicipalities(db));
    if (command === "export") {
      fs.writeFileSync(file, exportCirclesCsv(db));
      out(`Verzeichnis geschrieben: ${file}`);
      return 0;
    }
    let bytes: Uint8Array;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      out(`Die Datei ${file} lässt sich nicht lesen.`);
      return 1;
    }
    const checked = checkCirclesCsv(db, bytes, listMunicipalities(db));
    if (!checked.ok) {
      out("Die Datei wurde nicht übernommen, es hat sich nichts geändert. Bitte korrigieren Sie:");
      for (const problem of checked.problems) out(describe(problem));
      return 1;
    }
    const summary = checked.apply({ by: null, at: clock() });
    out(t("circles.csv.imported", { counts: t("circles.csv.counts", { ...summary, ...plain }), ...plain }));
    return 0;
  } finally {
    closeDb(db);
  }
}

const t = createI18n({ operator: "", staffTitle: "" }).forLocale("de");
/** The bot's wording, without HTML escaping (this is a terminal). */
const plain = { interpolation: { escapeValue: false } };

function describe(problem: CsvProblem): string {
  const text = t(`circles.csv.problem.${problem.kind}`, { column: problem.column ?? "", value: problem.value ?? "", ...plain });
  return t("circles.csv.line", { line: problem.line, text, ...plain });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  dotenv.config({ quiet: true });
  process.exitCode = runCirclesCli(process.argv.slice(2), process.env, (line) => console.log(line));
}
