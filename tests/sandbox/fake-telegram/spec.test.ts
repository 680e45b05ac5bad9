import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TARGET, compactSpec, serializeCompactSpec } from "../../../src/sandbox/fake-telegram/compact-spec.js";
import { ApiError } from "../../../src/sandbox/fake-telegram/errors.js";
import { canonicalMethodName, loadSpec, returnsTrue, validateCall } from "../../../src/sandbox/fake-telegram/spec.js";

function failure(method: string, params: Record<string, unknown>): { code: number; description: string } {
  try {
    validateCall(method, params);
  } catch (error) {
    if (error instanceof ApiError) return { code: error.errorCode, description: error.description };
    throw error;
  }
  throw new Error("expected validation to fail");
}

describe("bot API spec", () => {
  it("knows the methods of Bot API 10.1", () => {
    const spec = loadSpec();
    expect(spec.version).toBe("Bot API 10.1");
    expect(Object.keys(spec.methods).length).toBeGreaterThan(150);
    expect(spec.methods.sendMessage?.fields.find((f) => f.name === "chat_id")).toEqual({
      name: "chat_id",
      types: ["Integer", "String"],
      required: true,
    });
    expect(returnsTrue("setChatTitle")).toBe(true);
    expect(returnsTrue("getChat")).toBe(false);
  });

  it("treats method names case-insensitively", () => {
    expect(canonicalMethodName("SENDMESSAGE")).toBe("sendMessage");
    expect(validateCall("sendmessage", { chat_id: 1, text: "x" }).method).toBe("sendMessage");
  });

  it("answers 404 for unknown methods", () => {
    expect(failure("sendTelegram", {})).toEqual({ code: 404, description: "Not Found" });
  });

  it("answers 400 for missing required fields in Telegram's words", () => {
    expect(failure("sendMessage", { text: "x" })).toEqual({ code: 400, description: "Bad Request: chat_id is empty" });
    expect(failure("sendMessage", { chat_id: 1 })).toEqual({ code: 400, description: "Bad Request: message text is empty" });
    expect(failure("sendMessage", { chat_id: 1, text: "" }).description).toBe("Bad Request: message text is empty");
    expect(failure("sendPhoto", { chat_id: 1 }).description).toBe("Bad Request: there is no photo in the request");
    expect(failure("getChatMember", { chat_id: 1 }).description).toBe("Bad Request: user_id is empty");
  });

  it("coerces string values to the declared types", () => {
    const { params } = validateCall("sendMessage", {
      chat_id: "-100123",
      text: "42",
      disable_notification: "true",
      reply_markup: '{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}',
    });
    expect(params).toEqual({
      chat_id: -100123,
      text: "42",
      disable_notification: true,
      reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "b" }]] },
    });
    expect(validateCall("sendMessage", { chat_id: "@gruppe", text: "x" }).params.chat_id).toBe("@gruppe");
  });

  it("compacts the published spec to fields, requirement and return type only", () => {
    const full = {
      version: "Bot API 10.1",
      methods: {
        sendMessage: {
          name: "sendMessage",
          description: ["Use this method to send text messages."],
          returns: ["Message"],
          fields: [{ name: "chat_id", types: ["Integer", "String"], required: true, description: "Target chat" }],
        },
      },
    } as unknown as Parameters<typeof compactSpec>[0];
    const compact = compactSpec(full);
    expect(compact).toEqual({
      version: "Bot API 10.1",
      methods: { sendMessage: { fields: [{ name: "chat_id", types: ["Integer", "String"], required: true }], returns: ["Message"] } },
    });
    expect(JSON.parse(serializeCompactSpec(compact))).toEqual(compact);
  });

  it("keeps the committed bot-api-spec.json in its generated form", () => {
    const committed = readFileSync(TARGET, "utf8");
    expect(serializeCompactSpec(JSON.parse(committed) as ReturnType<typeof compactSpec>)).toBe(committed);
    expect(Object.keys((JSON.parse(committed) as { methods: object }).methods)).toHaveLength(180);
  });
});
