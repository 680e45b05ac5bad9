import { Writable } from "node:stream";
import { GrammyError } from "grammy";
import { describe, expect, it } from "vitest";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { createLogger } from "../../src/logger.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger("info", stream), lines };
}

describe("logger", () => {
  it("never writes a bot token, wherever it appears", () => {
    const { logger, lines } = capture();
    const token = "123456789:AAsecretSecretSecretSecret_0123456";
    logger.info({ botToken: token, url: `https://api.telegram.org/bot${token}/getMe` }, `calling with ${token}`);
    logger.error({ err: new Error(`request to /bot${token}/sendMessage failed`) }, "failed");
    expect(lines.join("")).not.toContain("AAsecret");
    expect(lines.join("")).toContain("[redacted]");
  });

  it("drops the message text of a failed Bot API call from error logs", () => {
    const { logger, lines } = capture();
    const error = new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code: 400, description: "Bad Request: x" }, "sendMessage", {
      chat_id: 1,
      text: "Familie Müller, geboren 01.02.1990",
    });
    logger.error({ err: error }, "failed");
    const line = JSON.parse(lines[0]!) as { err: Record<string, unknown> };
    expect(line.err.method).toBe("sendMessage");
    expect(line.err.description).toBe("Bad Request: x");
    expect(JSON.stringify(line)).not.toContain("Müller");
  });
});

describe("logger and database errors", () => {
  it("drops the values of a failed query (drizzle's error carries them) and keeps the cause", () => {
    const { logger, lines } = capture();
    const cause = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
    const error = new DrizzleQueryError('insert into "ticket_messages" ("text") values (?)', ["Frage zu\nFamilie Müller, geboren 01.02.1990"], cause);
    logger.error({ err: error }, "failed");
    const line = lines.join("");
    expect(line).not.toContain("Müller");
    expect(line).toContain("database is locked");
    expect(line).toContain("params: [redacted]");
    expect((JSON.parse(lines[0]!) as { err: { stack: string } }).err.stack).toMatch(/\n {4}at /);
  });
});

describe("logger and grammY errors", () => {
  it("logs a BotError as the error it wraps, without the context (update, configuration)", async () => {
    const { BotError } = await import("grammy");
    const { logger, lines } = capture();
    const ctx = { update: { message: { text: "Frage zu Familie Müller" } }, config: { webhook: { secret: "very-secret-value" } } };
    logger.error({ err: new BotError(new Error("database is locked"), ctx as never) }, "failed");
    const line = lines.join("");
    expect(line).toContain("database is locked");
    expect(line).not.toContain("Müller");
    expect(line).not.toContain("very-secret-value");
  });
});
