import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCirclesCli } from "../../../src/features/circles/cli.js";
import { tempDir } from "../../helpers/db.js";
import { queryDb } from "../../helpers/e2e.js";

describe("circles:import / circles:export on the server", () => {
  it("exports, rejects a bad file with line numbers, imports a good one; no bot token needed", () => {
    const dir = tempDir();
    const env = { DATABASE_PATH: path.join(dir, "data", "bot.db") };
    const lines: string[] = [];
    const run = (...args: string[]) => runCirclesCli(args, env, (line) => lines.push(line));

    expect(run("export", path.join(dir, "out.csv"))).toBe(0);
    expect(fs.readFileSync(path.join(dir, "out.csv"), "utf8")).toContain("Helferkreis Asyl Sonthofen;Sonthofen;");

    fs.writeFileSync(path.join(dir, "bad.csv"), "name,gemeinden,kontakt1_name,kontakt1_email\nA & B,Kempten,Eva,eva@\n");
    lines.length = 0;
    expect(run("import", path.join(dir, "bad.csv"))).toBe(1);
    expect(lines).toEqual([
      "Die Datei wurde nicht übernommen, es hat sich nichts geändert. Bitte korrigieren Sie:",
      "Zeile 2: Die Gemeinde „Kempten“ gibt es im Landkreis nicht.",
      "Zeile 2: „eva@“ in „kontakt1_email“ ist keine gültige E-Mail-Adresse.",
    ]);
    expect(queryDb(env.DATABASE_PATH, (db) => db.prepare("select count(*) n from helper_circles").get())).toEqual({ n: 5 });

    fs.writeFileSync(path.join(dir, "good.csv"), "name,gemeinden\nA & B,\"Wertach, Durach\"\n");
    lines.length = 0;
    expect(run("import", path.join(dir, "good.csv"))).toBe(0);
    expect(lines).toEqual(["Import fertig: 1 neu, 0 geändert, 0 unverändert, 5 entfernt."]);
    expect(queryDb(env.DATABASE_PATH, (db) => db.prepare("select name, updated_by from helper_circles").all())).toEqual([{ name: "A & B", updated_by: null }]);
    lines.length = 0;
    expect(run("import", path.join(dir, "good.csv"))).toBe(0);
    expect(lines).toEqual(["Import fertig: 0 neu, 0 geändert, 1 unverändert, 0 entfernt."]);

    expect(run("import")).toBe(2);
    expect(run("import", path.join(dir, "missing.csv"))).toBe(1);
  });
});
