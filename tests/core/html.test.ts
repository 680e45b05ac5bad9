import type { ApiCallFn, Transformer } from "grammy";
import { describe, expect, it } from "vitest";
import { escapeHtml, htmlByDefault } from "../../src/core/html.js";

/** The payload a call reaches the network with, after the transformer. */
async function sent(method: string, payload: Record<string, unknown>): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  const prev = (async (_method: string, p: Record<string, unknown>) => {
    seen = p;
    return { ok: true, result: true };
  }) as unknown as ApiCallFn;
  await (htmlByDefault as Transformer)(prev, method as never, payload as never);
  return seen;
}

describe("escapeHtml", () => {
  it("escapes exactly what Telegram's HTML mode needs", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 'y'");
    expect(escapeHtml("Grüß Gott 👋")).toBe("Grüß Gott 👋");
  });
});

describe("HTML parse mode by default", () => {
  it("sets it for the bot's texts and captions", async () => {
    expect(await sent("sendMessage", { chat_id: 1, text: "<b>Hallo</b>" })).toMatchObject({ parse_mode: "HTML" });
    expect(await sent("editMessageText", { chat_id: 1, message_id: 2, text: "x" })).toMatchObject({ parse_mode: "HTML" });
    expect(await sent("sendDocument", { chat_id: 1, document: "f", caption: "<i>x</i>" })).toMatchObject({ parse_mode: "HTML" });
    expect(await sent("editMessageCaption", { chat_id: 1, message_id: 2, caption: "x" })).toMatchObject({ parse_mode: "HTML" });
  });

  it("leaves calls alone that bring their own formatting, say plain text, or have nothing to parse", async () => {
    const withEntities = { chat_id: 1, text: "a < b", entities: [{ type: "bold", offset: 0, length: 1 }] };
    expect(await sent("sendMessage", withEntities)).toEqual(withEntities);
    const entitiesUndefined = { chat_id: 1, text: "a < b", entities: undefined };
    expect(await sent("sendMessage", entitiesUndefined)).toEqual(entitiesUndefined);
    const plain = { chat_id: 1, text: "a < b", parse_mode: undefined };
    expect(await sent("sendMessage", plain)).toEqual(plain);
    const captionEntities = { chat_id: 1, photo: "f", caption: "a < b", caption_entities: [] };
    expect(await sent("sendPhoto", captionEntities)).toEqual(captionEntities);
    const noCaption = { chat_id: 1, photo: "f" };
    expect(await sent("sendPhoto", noCaption)).toEqual(noCaption);
    const copy = { chat_id: 1, from_chat_id: 2, message_id: 3 };
    expect(await sent("copyMessage", copy)).toEqual(copy);
    const answer = { callback_query_id: "q", text: "a < b" };
    expect(await sent("answerCallbackQuery", answer)).toEqual(answer);
  });
});
