/**
 * Telegram's HTML parse_mode, modelled on tdlib's `parse_html`: the supported
 * tags become message entities (offsets and lengths in UTF-16 code units),
 * everything else is an error worded exactly like Telegram's, with byte offsets
 * into the UTF-8 encoded input.
 *
 * Deliberately stricter than tdlib in one point, following the Bot API docs:
 * every `&` outside an attribute value must start one of &lt; &gt; &amp; &quot;
 * or a numeric reference (&#NN; / &#xNN;) terminated by `;`.
 */
import type { MessageEntity, User } from "grammy/types";
import { badRequest } from "./errors.js";

export interface ParsedText {
  text: string;
  entities: MessageEntity[];
}

const SUPPORTED_TAGS = new Set([
  "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
  "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
]);

interface OpenTag {
  tag: string;
  argument: string;
  expandable: boolean;
  /** UTF-16 offset in the output where the tag's content starts. */
  offset: number;
}

/** Entity under construction; `language` may sit on a `code` until its `pre` closes. */
type DraftEntity = MessageEntity & { language?: string };

class HtmlError extends Error {}

const isSpace = (c: string | undefined): boolean =>
  c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
const isNameTokenChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9.-]/.test(c);

/**
 * Parses Telegram HTML. Throws ApiError 400
 * `Bad Request: can't parse entities: ...` on malformed input.
 */
export function parseHtml(html: string): ParsedText {
  try {
    return new HtmlParser(html).parse();
  } catch (error) {
    if (error instanceof HtmlError) throw badRequest(`can't parse entities: ${error.message}`);
    throw error;
  }
}

class HtmlParser {
  private i = 0;
  private out = "";
  private readonly entities: DraftEntity[] = [];
  private readonly stack: OpenTag[] = [];

  constructor(private readonly html: string) {}

  parse(): ParsedText {
    const { html } = this;
    while (this.i < html.length) {
      const c = html[this.i];
      if (c === "&") this.readEntityReference();
      else if (c === "<") {
        if (html[this.i + 1] === "/") this.readEndTag();
        else this.readStartTag();
      } else {
        this.out += c;
        this.i++;
      }
    }
    const unclosed = this.stack.at(-1);
    if (unclosed) throw new HtmlError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
    return { text: this.out, entities: finishEntities(this.entities) };
  }

  private byteOffset(index: number): number {
    return Buffer.byteLength(this.html.slice(0, index), "utf8");
  }

  private atEnd(): boolean {
    return this.i >= this.html.length;
  }

  private skipSpaces(): void {
    while (!this.atEnd() && isSpace(this.html[this.i])) this.i++;
  }

  private readEntityReference(): void {
    const decoded = decodeEntityReference(this.html, this.i);
    if (!decoded) {
      throw new HtmlError(`Can't find end of the entity starting at byte offset ${this.byteOffset(this.i)}`);
    }
    this.out += decoded.char;
    this.i = decoded.end;
  }

  private readStartTag(): void {
    const { html } = this;
    const begin = this.i++;
    while (!this.atEnd() && !isSpace(html[this.i]) && html[this.i] !== ">") this.i++;
    if (this.atEnd()) throw new HtmlError(`Unclosed start tag at byte offset ${this.byteOffset(begin)}`);
    const tag = html.slice(begin + 1, this.i).toLowerCase();
    if (!SUPPORTED_TAGS.has(tag)) {
      throw new HtmlError(`Unsupported start tag "${tag}" at byte offset ${this.byteOffset(begin)}`);
    }

    let argument = "";
    let expandable = false;
    while (html[this.i] !== ">") {
      this.skipSpaces();
      if (this.atEnd()) throw new HtmlError(`Unclosed start tag at byte offset ${this.byteOffset(begin)}`);
      if (html[this.i] === ">") break;
      const attribute = this.readAttribute(tag, begin);
      if (attribute.name === "expandable" && attribute.value === undefined) {
        expandable = true;
        continue;
      }
      const value = attribute.value ?? "";
      if (tag === "a" && attribute.name === "href") argument = value;
      else if (tag === "code" && attribute.name === "class" && value.startsWith("language-")) argument = value.slice(9);
      else if (tag === "span" && attribute.name === "class" && value.startsWith("tg-")) argument = value.slice(3);
      else if (tag === "tg-emoji" && attribute.name === "emoji-id") argument = value;
    }
    if (tag === "span" && argument !== "spoiler") {
      throw new HtmlError(`Tag "span" must have class "tg-spoiler" at byte offset ${this.byteOffset(begin)}`);
    }
    this.i++; // '>'
    this.stack.push({ tag, argument, expandable, offset: this.out.length });
  }

  /** Reads `name=value`, `name="value"`, `name='value'` or (blockquote only) a bare `expandable`. */
  private readAttribute(tag: string, tagBegin: number): { name: string; value?: string } {
    const { html } = this;
    const nameBegin = this.i;
    while (!this.atEnd() && !isSpace(html[this.i]) && html[this.i] !== "=" && html[this.i] !== ">") this.i++;
    const name = html.slice(nameBegin, this.i).toLowerCase();
    if (name === "") {
      throw new HtmlError(`Empty attribute name in the tag "${tag}" at byte offset ${this.byteOffset(tagBegin)}`);
    }
    this.skipSpaces();
    if (html[this.i] !== "=") {
      if (tag === "blockquote" && name === "expandable") return { name };
      if (this.atEnd()) throw new HtmlError(`Unclosed start tag at byte offset ${this.byteOffset(tagBegin)}`);
      throw new HtmlError(
        `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${this.byteOffset(tagBegin)}`,
      );
    }
    this.i++; // '='
    this.skipSpaces();
    if (this.atEnd()) {
      throw new HtmlError(`Unclosed start tag "${tag}" at byte offset ${this.byteOffset(tagBegin)}`);
    }
    const value = html[this.i] === '"' || html[this.i] === "'" ? this.readQuotedValue() : this.readNameToken();
    if (this.atEnd()) throw new HtmlError(`Unclosed start tag at byte offset ${this.byteOffset(tagBegin)}`);
    return { name, value };
  }

  private readNameToken(): string {
    const { html } = this;
    const tokenBegin = this.i;
    while (isNameTokenChar(html[this.i])) this.i++;
    if (!this.atEnd() && !isSpace(html[this.i]) && html[this.i] !== ">") {
      throw new HtmlError(`Unexpected end of name token at byte offset ${this.byteOffset(tokenBegin)}`);
    }
    return html.slice(tokenBegin, this.i).toLowerCase();
  }

  /** Quoted values decode known entity references and keep any other `&` literally (like tdlib). */
  private readQuotedValue(): string {
    const { html } = this;
    const quote = html[this.i++];
    let value = "";
    while (!this.atEnd() && html[this.i] !== quote) {
      const decoded = html[this.i] === "&" ? decodeEntityReference(html, this.i) : undefined;
      if (decoded) {
        value += decoded.char;
        this.i = decoded.end;
      } else {
        value += html[this.i++];
      }
    }
    if (html[this.i] === quote) this.i++;
    return value;
  }

  private readEndTag(): void {
    const { html } = this;
    const begin = this.i;
    const open = this.stack.at(-1);
    if (!open) throw new HtmlError(`Unexpected end tag at byte offset ${this.byteOffset(begin)}`);
    this.i += 2; // '</'
    const nameBegin = this.i;
    while (!this.atEnd() && !isSpace(html[this.i]) && html[this.i] !== ">") this.i++;
    const endTag = html.slice(nameBegin, this.i).toLowerCase();
    this.skipSpaces();
    if (html[this.i] !== ">") throw new HtmlError(`Unclosed end tag at byte offset ${this.byteOffset(begin)}`);
    this.i++;
    if (endTag !== "" && endTag !== open.tag) {
      throw new HtmlError(
        `Unmatched end tag at byte offset ${this.byteOffset(begin)}, expected "</${open.tag}>", found "</${endTag}>"`,
      );
    }
    this.stack.pop();
    this.closeEntity(open);
  }

  private closeEntity(open: OpenTag): void {
    const offset = open.offset;
    const length = this.out.length - offset;
    if (length <= 0) return;
    const last = this.entities.at(-1);
    const sameRange = last !== undefined && last.offset === offset && last.length === length;
    switch (open.tag) {
      case "b":
      case "strong":
        return this.add({ type: "bold", offset, length });
      case "i":
      case "em":
        return this.add({ type: "italic", offset, length });
      case "u":
      case "ins":
        return this.add({ type: "underline", offset, length });
      case "s":
      case "strike":
      case "del":
        return this.add({ type: "strikethrough", offset, length });
      case "tg-spoiler":
      case "span":
        return this.add({ type: "spoiler", offset, length });
      case "blockquote":
        return this.add({ type: open.expandable ? "expandable_blockquote" : "blockquote", offset, length });
      case "tg-emoji":
        if (/^\d+$/.test(open.argument)) {
          this.add({ type: "custom_emoji", offset, length, custom_emoji_id: open.argument });
        }
        return;
      case "code":
        if (sameRange && last.type === "pre" && open.argument !== "") {
          (last as DraftEntity).language = open.argument;
          return;
        }
        return this.add({ type: "code", offset, length, ...(open.argument ? { language: open.argument } : {}) });
      case "pre":
        if (sameRange && last.type === "code" && last.language) {
          this.entities[this.entities.length - 1] = { type: "pre", offset, length, language: last.language };
          return;
        }
        return this.add({ type: "pre", offset, length });
      case "a":
        return this.addLink(open.argument || this.out.slice(offset), offset, length);
    }
  }

  private addLink(href: string, offset: number, length: number): void {
    const mention = /^tg:\/\/user\?id=(\d+)$/i.exec(href.trim());
    if (mention) {
      const user: User = { id: Number(mention[1]), is_bot: false, first_name: "" };
      this.add({ type: "text_mention", offset, length, user });
      return;
    }
    const url = normalizeLink(href);
    if (url !== undefined) this.add({ type: "text_link", offset, length, url });
  }

  private add(entity: DraftEntity): void {
    this.entities.push(entity);
  }
}

/** Decodes &lt; &gt; &amp; &quot; &#NN; &#xNN; (with `;`) at `index`. */
function decodeEntityReference(text: string, index: number): { char: string; end: number } | undefined {
  const match = /^&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));/.exec(text.slice(index, index + 12));
  if (!match) return undefined;
  const end = index + match[0].length;
  const named = match[3];
  if (named !== undefined) {
    const chars: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
    return { char: chars[named] ?? "", end };
  }
  const codePoint = match[1] !== undefined ? Number.parseInt(match[1], 10) : Number.parseInt(match[2] ?? "", 16);
  if (codePoint === 0 || codePoint >= 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return undefined;
  return { char: String.fromCodePoint(codePoint), end };
}

/**
 * Telegram's link check for `<a href>`: adds `http://` when the scheme is
 * missing, normalizes http(s) URLs (e.g. a trailing `/` after a bare host) and
 * drops links it can't accept (the text then stays, without an entity).
 */
export function normalizeLink(raw: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed === "") return undefined;
  if (/^(tg|ton):/i.test(trimmed)) return trimmed;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const host = url.hostname;
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[");
  if (!isIp && !/\.[a-z\u00a1-\uffff-]{2,}$/i.test(host)) return undefined;
  return url.href;
}

/** Strips parser-only fields and orders entities like Telegram (by offset, outer first). */
function finishEntities(drafts: DraftEntity[]): MessageEntity[] {
  const entities = drafts.map((draft): MessageEntity => {
    if (draft.type === "code") return { type: "code", offset: draft.offset, length: draft.length };
    return draft;
  });
  return sortEntities(entities);
}

export function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities
    .map((entity, index) => ({ entity, index }))
    .sort((a, b) => a.entity.offset - b.entity.offset || b.entity.length - a.entity.length || b.index - a.index)
    .map(({ entity }) => entity);
}
