/**
 * The sandbox process (`npm run sandbox`) over its page's HTTP API: a restart keeps the chats and
 * the bot's database in step, the real DATABASE_PATH is never touched, and the API refuses what
 * Telegram or a foreign web page could not do.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { startBotProcess, type BotProcess } from "../helpers/bot-process.js";
import { tempDir } from "../helpers/db.js";
import { freePort, queryDb } from "../helpers/e2e.js";

const ANNA = 8001;
const STAFF_GROUP = -1009000000001;

interface ChatView {
  messages: Array<{ message_id: number; text?: string; from?: { id: number } }>;
  topics: Array<{ name: string }> | null;
}

describe("the sandbox process", () => {
  const running: BotProcess[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.kill("SIGKILL")));
  });

  function spawnSandbox(dir: string, port: number, env: Record<string, string> = {}) {
    const sandbox = startBotProcess({ BOT_TOKEN: "123456789:AAthis-token-must-never-be-used_0", SANDBOX_DIR: dir, SANDBOX_PORT: String(port), LOG_LEVEL: "info", ...env }, ["--sandbox"]);
    running.push(sandbox);
    return sandbox;
  }

  async function startSandbox(dir: string, port: number, env: Record<string, string> = {}) {
    // BOT_TOKEN is set: `npm run sandbox` (the --sandbox flag) ignores it and uses the fake's.
    const sandbox = startBotProcess({ BOT_TOKEN: "123456789:AAthis-token-must-never-be-used_0", SANDBOX_DIR: dir, SANDBOX_PORT: String(port), LOG_LEVEL: "info", ...env }, ["--sandbox"]);
    running.push(sandbox);
    await sandbox.waitForLine(/long polling started/, 30_000);
    const base = `http://127.0.0.1:${port}`;
    const post = (route: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${base}${route}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    const chat = async (id: number) => (await (await fetch(`${base}/api/chat?id=${id}`)).json()) as ChatView;
    const waitFor = async (id: number, found: (view: ChatView) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const view = await chat(id);
        if (found(view)) return view;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`chat ${id} never matched: ${JSON.stringify((await chat(id)).messages.map((m) => m.text))}`);
    };
    return { sandbox, post, chat, waitFor };
  }

  it("keeps chats and database across a restart, in step (update ids go on), and never opens DATABASE_PATH", async () => {
    const dir = tempDir("lotsenbot-sandbox-");
    const realDb = path.join(tempDir("lotsenbot-real-"), "lotsenbot.db");
    const port = await freePort();
    const first = await startSandbox(dir, port, { DATABASE_PATH: realDb });
    const card = (text?: string) => text?.startsWith("Helferkreis Asyl Sonthofen (Beispiel)") ?? false;

    // An example volunteer is onboarded already: a search answers at once.
    expect((await first.post("/api/send", { as: ANNA, chat: ANNA, text: "/helferkreise sonthofen" })).status).toBe(200);
    await first.waitFor(ANNA, (view) => view.messages.some((m) => card(m.text)));
    // A question makes a topic in the staff group.
    expect((await first.post("/api/send", { as: ANNA, chat: ANNA, text: "/frage Wo gibt es einen Deutschkurs für Anfänger?" })).status).toBe(200);
    await first.waitFor(STAFF_GROUP, (view) => view.topics?.some((t) => t.name.startsWith("#1 ·")) ?? false);
    expect(await first.sandbox.kill("SIGINT")).toBe(0);
    expect(first.sandbox.lines.join("\n")).toContain("Sandbox gestoppt, Daten gesichert");

    const second = await startSandbox(dir, port);
    const before = await second.chat(ANNA);
    expect(before.messages.filter((m) => card(m.text))).toHaveLength(1);
    expect((await second.chat(STAFF_GROUP)).topics?.map((t) => t.name)).toEqual(["#1 · Sonstiges · Anna B."]);
    // New updates after the restart reach the bot (the journal would drop reused update ids).
    await second.post("/api/send", { as: ANNA, chat: ANNA, text: "/helferkreise sonthofen" });
    await second.waitFor(ANNA, (view) => view.messages.filter((m) => card(m.text)).length === 2);
    // Staff answer in the topic made before the restart; the answer reaches Anna.
    const staffView = await second.chat(STAFF_GROUP);
    // The question is quoted under its header: staff reply to that message.
    const copy = staffView.messages.find((m) => m.text?.endsWith("\n\nWo gibt es einen Deutschkurs für Anfänger?"))!;
    await second.post("/api/send", { as: 9001, chat: STAFF_GROUP, text: "Bei der VHS Sonthofen.", replyTo: copy.message_id });
    await second.waitFor(ANNA, (view) => view.messages.some((m) => m.text?.includes("Bei der VHS Sonthofen.") ?? false));
    expect(await second.sandbox.kill("SIGINT")).toBe(0);

    queryDb(path.join(dir, "lotsenbot.db"), (db) => {
      expect(db.prepare("select count(*) as n from tickets").get()).toEqual({ n: 1 });
      expect(db.prepare("select first_name from users order by id").all()).toEqual([{ first_name: "Anna" }, { first_name: "Omar" }]);
    });
    expect(existsSync(realDb)).toBe(false);
  });

  it("gives a sandbox from before trainings the example training on its next start", async () => {
    const dir = tempDir("lotsenbot-sandbox-");
    const port = await freePort();
    const db = path.join(dir, "lotsenbot.db");
    const TITLE = "Asylrecht aktuell: Was Ehrenamtliche wissen sollten (Beispiel)";
    const first = await startSandbox(dir, port);
    expect(await first.sandbox.kill("SIGINT")).toBe(0);
    // As a sandbox made before trainings is once its database has the trainings' tables: chats and
    // example people kept, no training at all.
    const writable = new Database(db);
    try {
      writable.pragma("foreign_keys = ON");
      writable.exec("delete from trainings");
    } finally {
      writable.close();
    }

    const second = await startSandbox(dir, port);
    expect(second.sandbox.lines.join("\n")).not.toContain("starts afresh");
    const trainings = () => queryDb(db, (conn) => conn.prepare("select title, capacity, starts_at as startsAt from trainings where status = 'published'").all() as Array<{ title: string; capacity: number; startsAt: number }>);
    expect(trainings()).toEqual([{ title: TITLE, capacity: 3, startsAt: expect.any(Number) }]);
    expect(trainings()[0]!.startsAt).toBeGreaterThan(Date.now());
    // The kept example volunteer finds it.
    await second.post("/api/send", { as: ANNA, chat: ANNA, text: "/schulungen" });
    const view = await second.waitFor(ANNA, (v) => v.messages.some((m) => m.text?.startsWith("📅 Kommende Schulungen") ?? false));
    expect(view.messages.find((m) => m.text?.startsWith("📅 Kommende Schulungen"))!.text).toContain(TITLE);
    expect(await second.sandbox.kill("SIGINT")).toBe(0);
    // A further start adds no second one.
    const third = await startSandbox(dir, port);
    expect(await third.sandbox.kill("SIGINT")).toBe(0);
    expect(trainings()).toHaveLength(1);
  });

  it("refuses what Telegram or another web page could not do", async () => {
    const port = await freePort();
    const { post } = await startSandbox(tempDir("lotsenbot-sandbox-"), port);
    const tooLong = "<b>" + "ü".repeat(5000);
    expect((await post("/api/send", { as: ANNA, chat: ANNA, text: tooLong })).status).toBe(400);
    // A volunteer can't write in the staff group, nor in another person's chat.
    expect((await post("/api/send", { as: ANNA, chat: STAFF_GROUP, text: "Hallo" })).status).toBe(403);
    expect((await post("/api/send", { as: ANNA, chat: 8002, text: "Hallo" })).status).toBe(403);
    // Another site's page posting here.
    expect((await post("/api/send", { as: ANNA, chat: ANNA, text: "Hallo" }, { origin: "https://evil.example" })).status).toBe(403);
    const form = await fetch(`http://127.0.0.1:${port}/api/send`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ as: ANNA, chat: ANNA, text: "Hallo" }) });
    expect(form.status).toBe(415);
  });

  function realDatabase(file: string): void {
    const db = new Database(file);
    db.exec("create table volunteers (name text); insert into volunteers values ('Real Person')");
    db.close();
  }
  const realRows = (file: string) => queryDb(file, (db) => db.prepare("select name from volunteers").all());

  it("refuses a SANDBOX_DIR that holds the real database, and never deletes a database it did not make", async () => {
    const dataDir = tempDir("lotsenbot-data-");
    const real = path.join(dataDir, "lotsenbot.db");
    realDatabase(real);
    // SANDBOX_DIR=./data beside DATABASE_PATH=./data/lotsenbot.db: one clear line, exit 2.
    const refused = spawnSandbox(dataDir, await freePort(), { DATABASE_PATH: real });
    const outcome = await Promise.race([refused.exited, refused.waitForLine(/long polling started/, 30_000).then(() => "started")]);
    expect(outcome).toBe(2);
    expect(refused.lines.join("\n")).toContain(`SANDBOX_DIR (${dataDir}) holds the bot's real database (DATABASE_PATH ${real})`);
    expect(realRows(real)).toEqual([{ name: "Real Person" }]);

    // Another DATABASE_PATH: the unknown database in the folder is moved aside, not deleted.
    const { sandbox } = await startSandbox(dataDir, await freePort(), { DATABASE_PATH: path.join(tempDir("lotsenbot-real-"), "lotsenbot.db") });
    expect(await sandbox.kill("SIGINT")).toBe(0);
    const aside = readdirSync(dataDir).filter((name) => name.startsWith("set-aside-"));
    expect(aside).toHaveLength(1);
    expect(realRows(path.join(dataDir, aside[0]!, "lotsenbot.db"))).toEqual([{ name: "Real Person" }]);
    expect(sandbox.lines.join("\n")).toContain("was not made by the sandbox; it was moved to");
  });

  it("answers after a hard kill right after a message (update ids go on beyond the journal) and stops cleanly on SIGHUP", async () => {
    const dir = tempDir("lotsenbot-sandbox-");
    const port = await freePort();
    const first = await startSandbox(dir, port);
    const db = path.join(dir, "lotsenbot.db");
    const journaled = () => queryDb(db, (conn) => (conn.prepare("select count(*) as n from update_journal").get() as { n: number }).n);
    // world.json is saved shortly after a change; let the start's save pass.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const before = journaled();
    await first.post("/api/send", { as: ANNA, chat: ANNA, text: "/helferkreise sonthofen" });
    for (let i = 0; i < 200 && journaled() === before; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await first.sandbox.kill("SIGKILL")).toBe("SIGKILL");

    const second = await startSandbox(dir, port);
    await second.post("/api/send", { as: ANNA, chat: ANNA, text: "/frage Gibt es Deutschkurse am Abend?" });
    await second.waitFor(STAFF_GROUP, (view) => view.topics?.some((t) => t.name.startsWith("#1 ·")) ?? false);
    expect(await second.sandbox.kill("SIGHUP")).toBe(0);
    expect(second.sandbox.lines.join("\n")).toContain("Sandbox gestoppt, Daten gesichert");
  });

  it("moves a malformed world.json aside with its database, says so in one line, and starts afresh", async () => {
    const dir = tempDir("lotsenbot-sandbox-");
    const port = await freePort();
    const first = await startSandbox(dir, port);
    expect(await first.sandbox.kill("SIGINT")).toBe(0);
    writeFileSync(path.join(dir, "world.json"), '{"version":1}');
    const second = await startSandbox(dir, port);
    const broken = readdirSync(dir).filter((name) => name.startsWith("broken-"));
    expect(broken).toHaveLength(1);
    expect(readFileSync(path.join(dir, broken[0]!, "world.json"), "utf8")).toBe('{"version":1}');
    expect(existsSync(path.join(dir, broken[0]!, "lotsenbot.db"))).toBe(true);
    expect(second.sandbox.lines.join("\n")).toContain("is not a valid sandbox state; its files were moved to");
    // Afresh: the example volunteer is onboarded and answered.
    await second.post("/api/send", { as: ANNA, chat: ANNA, text: "/helferkreise sonthofen" });
    await second.waitFor(ANNA, (view) => view.messages.some((m) => m.text?.startsWith("Helferkreis Asyl Sonthofen (Beispiel)") ?? false));
    expect(await second.sandbox.kill("SIGINT")).toBe(0);
  });

  it("survives its folder being deleted while it runs (saves again, stops cleanly)", async () => {
    const dir = tempDir("lotsenbot-sandbox-");
    const { sandbox, post, waitFor } = await startSandbox(dir, await freePort());
    // The sandbox may be saving into it at this moment (world.json, right after its start): try
    // again until the folder is gone, as someone at a shell would.
    for (const start = Date.now(); ; ) {
      try {
        rmSync(dir, { recursive: true, force: true });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOTEMPTY" || Date.now() - start > 10_000) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await post("/api/send", { as: ANNA, chat: ANNA, text: "/helferkreise sonthofen" });
    await waitFor(ANNA, (view) => view.messages.some((m) => m.text?.startsWith("Helferkreis Asyl Sonthofen (Beispiel)") ?? false));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await sandbox.kill("SIGINT")).toBe(0);
    expect(existsSync(path.join(dir, "world.json"))).toBe(true);
  });

  it("names SANDBOX_PORT when its port is taken", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      const sandbox = spawnSandbox(tempDir("lotsenbot-sandbox-"), port);
      expect(await sandbox.exited).toBe(2);
      expect(sandbox.lines.join("\n")).toContain(`SANDBOX_PORT ${port} is already in use`);
      expect(sandbox.lines.join("\n")).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it("logs an unhandled promise rejection instead of ending", async () => {
    // Late enough that the sandbox is up (and its handler installed) also on a busy machine.
    const source = "setTimeout(() => Promise.reject(new Error('sandbox-test-rejection')), 6000);";
    const { sandbox } = await startSandbox(tempDir("lotsenbot-sandbox-"), await freePort(), { NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(source)}` });
    await sandbox.waitForLine(/unhandled promise rejection/, 20_000);
    expect(sandbox.lines.join("\n")).toContain("sandbox-test-rejection");
    expect(await sandbox.kill("SIGINT")).toBe(0);
  });
});
