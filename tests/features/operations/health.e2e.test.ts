import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { checkBackupFile } from "../../../src/db/backup.js";
import { tempDir } from "../../helpers/db.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createE2eWorld, freePort, type E2eWorld } from "../../helpers/e2e.js";

const VERSION = /^\d+\.\d+\.\d+/;

/** Breaks the running bot's database from outside: a table it reads is gone. */
function dropDeliveries(databasePath: string): void {
  const db = new Database(databasePath);
  try {
    db.pragma("foreign_keys = OFF");
    db.exec("drop table deliveries");
  } finally {
    db.close();
  }
}

describe("/healthz and automatic backups through the real process", () => {
  let world: E2eWorld;
  beforeEach(async () => (world = await createE2eWorld()));
  afterEach(() => world.close());

  it("webhook mode: on PORT, the database checked and the queues counted; 503 once the database fails", async () => {
    const port = await freePort();
    const bot = await world.startBot(
      { BOT_MODE: "webhook", WEBHOOK_URL: `http://127.0.0.1:${port}/telegram`, WEBHOOK_SECRET: "e2e-webhook-secret-0123456789", PORT: String(port), HOST: "127.0.0.1" },
      /webhook server listening/,
    );
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toEqual({ ok: true, database: "ok", pendingUpdates: 0, pendingDeliveries: 0, inFlight: 0, version: expect.stringMatching(VERSION), uptimeSeconds: expect.any(Number) });

    dropDeliveries(world.databasePath);
    const broken = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({ ok: false, database: "failed", pendingUpdates: null, pendingDeliveries: null });
    await bot.waitForLine(/health check: the database does not answer/);
    await bot.kill("SIGTERM");
  });

  it("polling mode: only with HEALTH_PORT, on 127.0.0.1; 503 once the database fails", async () => {
    const port = await freePort();
    const bot = await world.startBot({ HEALTH_PORT: String(port) });
    expect(bot.lines.some((line) => line.includes("health check listening"))).toBe(true);
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(healthy.status).toBe(200);
    expect(await healthy.json()).toMatchObject({ ok: true, database: "ok", pendingUpdates: 0, pendingDeliveries: 0, inFlight: 0 });
    expect((await fetch(`http://127.0.0.1:${port}/telegram`)).status).toBe(404);

    dropDeliveries(world.databasePath);
    const broken = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({ ok: false, database: "failed" });
    expect(await bot.kill("SIGTERM")).toBe(0);
  });

  it("polling mode without HEALTH_PORT serves nothing; a second bot on the same database is refused", async () => {
    const first = await world.startBot();
    expect(first.lines.some((line) => line.includes("health check listening"))).toBe(false);
    const second = await world.startBot({}, /cannot start/);
    expect(await second.exited).toBe(2);
    expect(second.lines.join("\n")).toContain("is in use by another Lotsenbot process");
    await first.kill("SIGTERM");
  });

  it("BACKUP_DIR: the running bot writes a sound backup at start, once", async () => {
    const dir = path.join(tempDir("lotsenbot-auto-e2e-"), "backups");
    const bot = await world.startBot({ BACKUP_DIR: dir, BACKUP_KEEP: "3" });
    await bot.waitForLine(/automatic backup written/);
    const files = fs.readdirSync(dir);
    expect(files).toEqual([expect.stringMatching(/^lotsenbot-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.db$/)]);
    expect(checkBackupFile(path.join(dir, files[0]!))).toMatchObject({ ok: true });
    expect(await bot.kill("SIGTERM")).toBe(0);
    // A restart within the day writes no second one.
    const again = await world.startBot({ BACKUP_DIR: dir, BACKUP_KEEP: "3" });
    await again.kill("SIGTERM");
    expect(fs.readdirSync(dir)).toEqual(files);
  });
});
