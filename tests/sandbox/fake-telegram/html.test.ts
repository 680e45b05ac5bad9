import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/sandbox/fake-telegram/errors.js";
import { parseHtml } from "../../../src/sandbox/fake-telegram/html.js";
import { formatCaption, formatMessageText } from "../../../src/sandbox/fake-telegram/text.js";

function htmlError(html: string): string {
  try {
    parseHtml(html);
  } catch (error) {
    if (error instanceof ApiError) return error.description;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(html)} to fail`);
}

describe("parseHtml", () => {
  it("turns tags into entities and strips them", () => {
    expect(parseHtml("<b>bold</b> <i>it</i> <u>u</u> <s>s</s>")).toEqual({
      text: "bold it u s",
      entities: [
        { type: "bold", offset: 0, length: 4 },
        { type: "italic", offset: 5, length: 2 },
        { type: "underline", offset: 8, length: 1 },
        { type: "strikethrough", offset: 10, length: 1 },
      ],
    });
  });

  it("accepts the tag aliases", () => {
    const { entities } = parseHtml("<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>");
    expect(entities.map((e) => e.type)).toEqual(["bold", "italic", "underline", "strikethrough", "strikethrough"]);
  });

  it("nests entities, outer first", () => {
    expect(parseHtml("<b>fett <i>kursiv</i></b>").entities).toEqual([
      { type: "bold", offset: 0, length: 11 },
      { type: "italic", offset: 5, length: 6 },
    ]);
  });

  it("counts offsets in UTF-16 code units", () => {
    expect(parseHtml("😀 <b>Grüße</b>")).toEqual({ text: "😀 Grüße", entities: [{ type: "bold", offset: 3, length: 5 }] });
  });

  it("decodes the allowed entity references", () => {
    expect(parseHtml("&lt;b&gt; &amp; &quot;x&quot; &#65;&#x42;").text).toBe('<b> & "x" AB');
  });

  it("supports spoilers, blockquotes and custom emoji", () => {
    const { entities } = parseHtml(
      '<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span><blockquote>c</blockquote>' +
        '<blockquote expandable>d</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
    );
    expect(entities).toEqual([
      { type: "spoiler", offset: 0, length: 1 },
      { type: "spoiler", offset: 1, length: 1 },
      { type: "blockquote", offset: 2, length: 1 },
      { type: "expandable_blockquote", offset: 3, length: 1 },
      { type: "custom_emoji", offset: 4, length: 2, custom_emoji_id: "5368324170671202286" },
    ]);
  });

  it("supports code and pre with a language", () => {
    expect(parseHtml("<code>x</code>").entities).toEqual([{ type: "code", offset: 0, length: 1 }]);
    expect(parseHtml("<pre>y</pre>").entities).toEqual([{ type: "pre", offset: 0, length: 1 }]);
    expect(parseHtml('<pre><code class="language-ts">const a = 1;</code></pre>').entities).toEqual([
      { type: "pre", offset: 0, length: 12, language: "ts" },
    ]);
  });

  it("normalizes links and recognizes user mentions", () => {
    expect(parseHtml('<a href="https://example.org">x</a>').entities).toEqual([
      { type: "text_link", offset: 0, length: 1, url: "https://example.org/" },
    ]);
    expect(parseHtml("<a href='example.org/pfad?a=1&b=2'>y</a>").entities[0]).toMatchObject({
      type: "text_link",
      url: "http://example.org/pfad?a=1&b=2",
    });
    expect(parseHtml('<a href="tg://user?id=42">Anna</a>').entities[0]).toMatchObject({
      type: "text_mention",
      user: { id: 42 },
    });
    expect(parseHtml('<a href="not a link">text</a>')).toEqual({ text: "text", entities: [] });
  });

  it("ignores empty tags", () => {
    expect(parseHtml("a<b></b>b")).toEqual({ text: "ab", entities: [] });
  });

  it("reports Telegram's errors with byte offsets", () => {
    const prefix = "Bad Request: can't parse entities: ";
    expect(htmlError("<script>alert(1)</script>")).toBe(`${prefix}Unsupported start tag "script" at byte offset 0`);
    expect(htmlError("a < b")).toBe(`${prefix}Unsupported start tag "" at byte offset 2`);
    expect(htmlError("Q&A")).toBe(`${prefix}Can't find end of the entity starting at byte offset 1`);
    expect(htmlError("ä &nbsp;")).toBe(`${prefix}Can't find end of the entity starting at byte offset 3`);
    expect(htmlError("<b>offen")).toBe(`${prefix}Can't find end tag corresponding to start tag "b"`);
    expect(htmlError("text</b>")).toBe(`${prefix}Unexpected end tag at byte offset 4`);
    expect(htmlError("xy <b")).toBe(`${prefix}Unclosed start tag at byte offset 3`);
    expect(htmlError("<b>x</i>")).toBe(`${prefix}Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`);
    expect(htmlError('<span class="x">a</span>')).toBe(`${prefix}Tag "span" must have class "tg-spoiler" at byte offset 0`);
    expect(htmlError("<br>")).toBe(`${prefix}Unsupported start tag "br" at byte offset 0`);
  });
});

describe("formatMessageText", () => {
  it("trims whitespace like Telegram and shifts entities", () => {
    expect(formatMessageText("  <b> hi </b>\n", { parseMode: "HTML" })).toEqual({
      text: "hi",
      entities: [{ type: "bold", offset: 0, length: 2 }],
    });
  });

  it("keeps text as is without parse_mode and detects entities", () => {
    expect(formatMessageText("<b>x</b> /start @lotsen_user https://example.org/a.", {})).toEqual({
      text: "<b>x</b> /start @lotsen_user https://example.org/a.",
      entities: [
        { type: "bot_command", offset: 9, length: 6 },
        { type: "mention", offset: 16, length: 12 },
        { type: "url", offset: 29, length: 21 },
      ],
    });
  });

  it("uses explicit entities instead of parse_mode", () => {
    expect(formatMessageText("<b>", { parseMode: "HTML", entities: [{ type: "bold", offset: 0, length: 3 }] })).toEqual({
      text: "<b>",
      entities: [{ type: "bold", offset: 0, length: 3 }],
    });
  });

  it("enforces the length rules", () => {
    expect(() => formatMessageText("  ", {})).toThrow("Bad Request: message text is empty");
    expect(() => formatMessageText("<b></b>", { parseMode: "HTML" })).toThrow("Bad Request: message text is empty");
    expect(formatMessageText("x".repeat(4096), {}).text).toHaveLength(4096);
    expect(() => formatMessageText("x".repeat(4097), {})).toThrow("Bad Request: message is too long");
    expect(() => formatCaption("x".repeat(1025), {})).toThrow("Bad Request: message caption is too long");
    expect(formatCaption("", {})).toBeUndefined();
  });

  it("rejects Markdown parse modes", () => {
    expect(() => formatMessageText("*x*", { parseMode: "MarkdownV2" })).toThrow(
      "Bad Request: parse mode not supported by the fake",
    );
    expect(() => formatMessageText("x", { parseMode: "Foo" })).toThrow("Bad Request: unsupported parse_mode");
  });
});
