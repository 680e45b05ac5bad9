import { Composer } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import { normalizeName, publicView, searchDirectory, type Circle, type DirectorySearchResult } from "../../domain/directory.js";
import { callbackData, callbackPatterns } from "../callback-data.js";
import { circleCard } from "../circle-card.js";
import type { BotContext } from "../context.js";
import { formatList } from "../format.js";
import { circleListKeyboard, directoryKeyboard } from "../keyboards/circles.js";
import { staleButton } from "../stale-button.js";
import { ignoreNotModified } from "../telegram-errors.js";

/** How many cards a search answers with directly; more matches get a list of buttons. */
const MAX_CARDS = 3;
/**
 * At most this many buttons for a text search; beyond it, a hint to search more precisely. A
 * municipality's own circles are always listed in full (a handful; a keyboard takes 100).
 */
const MAX_CHOICES = 8;
const MAX_BUTTONS = 100;
/** Free text shorter than this (letters and digits) is no search: "e" would match everything. */
const MIN_TEXT_QUERY = 3;
/** Inline results per answer (Telegram allows 50). */
const MAX_INLINE_RESULTS = 20;

/**
 * The helper-circle directory for volunteers: municipalities to browse, search by text
 * (/helferkreise <text>, or any text naming a municipality or circle) and inline mode in any
 * chat. Only published circles and published contacts are ever shown.
 */
export const circles = new Composer<BotContext>();
const privateChat = circles.chatType("private");

/** Published circles, reduced to what volunteers may see. */
function visibleCircles(ctx: BotContext): Circle[] {
  return ctx.services.circles
    .listAll()
    .filter((circle) => circle.published)
    .map(publicView);
}

function card(ctx: BotContext, circle: Circle): string {
  return circleCard(circle, { t: ctx.t, locale: ctx.locale, timeZone: ctx.config.timezone, audience: "public" });
}

/** The menu entry and /helferkreise: the list of municipalities, or a search with the command's text. */
export async function openDirectory(ctx: BotContext): Promise<void> {
  const query = ctx.message?.text?.startsWith("/") && typeof ctx.match === "string" ? ctx.match.trim() : "";
  if (query !== "") return answerSearch(ctx, query, searchDirectory(query, visibleCircles(ctx), ctx.services.municipalities.list()));
  await ctx.reply(ctx.t("circles.intro", { bot: ctx.me.username }), { parse_mode: "HTML", reply_markup: directoryKeyboard(ctx.t, ctx.services.municipalities.list(), 0) });
}

async function sendCards(ctx: BotContext, found: Circle[]): Promise<void> {
  for (const circle of found) await ctx.reply(card(ctx, circle), { parse_mode: "HTML", link_preview_options: { is_disabled: true } });
}

/** A few circles as cards; more as one list of buttons (cut at `limit`, with a hint to be more specific). */
async function showCircles(ctx: BotContext, found: Circle[], query: string, limit = MAX_CHOICES): Promise<void> {
  if (found.length <= MAX_CARDS) return sendCards(ctx, found);
  const shown = found.slice(0, limit);
  const text = ctx.t("circles.choose", { query: query.slice(0, 100) });
  const more = found.length > shown.length ? `\n\n${ctx.t("circles.moreMatches", { shown: shown.length, count: found.length })}` : "";
  await ctx.reply(text + more, { parse_mode: "HTML", reply_markup: circleListKeyboard(shown, callbackData.directoryCircle) });
}

async function answerSearch(ctx: BotContext, query: string, result: DirectorySearchResult): Promise<void> {
  if (result.circles.length === 0 && result.uncovered.length === 0) {
    await ctx.reply(ctx.t("circles.notFound", { query: query.slice(0, 100) }), {
      parse_mode: "HTML",
      reply_markup: directoryKeyboard(ctx.t, ctx.services.municipalities.list(), 0),
    });
    return;
  }
  await showCircles(ctx, result.circles, query);
  // All matching municipalities without a circle in one message, not one message each.
  if (result.uncovered.length > 0) await sayNoCircle(ctx, result.uncovered.map((m) => m.name));
}

async function sayNoCircle(ctx: BotContext, municipalityNames: string[]): Promise<void> {
  await ctx.reply(ctx.t("circles.none", { municipality: formatList(municipalityNames, ctx.locale) }), { parse_mode: "HTML" });
}

privateChat.callbackQuery(callbackPatterns.directoryPage, async (ctx) => {
  await ctx.answerCallbackQuery();
  const keyboard = directoryKeyboard(ctx.t, ctx.services.municipalities.list(), Number(ctx.match[1]));
  await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: keyboard }));
});

privateChat.callbackQuery(callbackPatterns.directoryMunicipality, async (ctx) => {
  const municipalityId = Number(ctx.match[1]);
  const municipality = ctx.services.municipalities.list().find((m) => m.id === municipalityId);
  if (!municipality) return staleButton(ctx);
  await ctx.answerCallbackQuery();
  const found = visibleCircles(ctx).filter((circle) => circle.municipalityIds.includes(municipalityId));
  if (found.length === 0) return sayNoCircle(ctx, [municipality.name]);
  await showCircles(ctx, found, municipality.name, MAX_BUTTONS);
});

privateChat.callbackQuery(callbackPatterns.directoryCircle, async (ctx) => {
  const circle = visibleCircles(ctx).find((c) => c.id === Number(ctx.match[1]));
  if (!circle) {
    await ctx.answerCallbackQuery({ text: ctx.t("circles.gone") });
    return;
  }
  await ctx.answerCallbackQuery();
  await sendCards(ctx, [circle]);
});

/**
 * Text naming a municipality or circle finds it; any other text is left to later features.
 * Stricter than /helferkreise <text>: at least three letters, matched at the starts of words
 * only, so a stray "e" or "hallo" is no search. Installed separately, late (just before
 * "unhandled"): features that own free text (a running flow, follow-ups to an open question)
 * come first.
 */
export const circleSearchByText = new Composer<BotContext>();

circleSearchByText.chatType("private").on("message:text", async (ctx, next) => {
  const text = ctx.message.text.trim();
  if (text.startsWith("/") || text.length > 60) return next();
  if (normalizeName(text).replace(/ /g, "").length < MIN_TEXT_QUERY) return next();
  const result = searchDirectory(text, visibleCircles(ctx), ctx.services.municipalities.list(), "wordStart");
  if (result.circles.length === 0 && result.uncovered.length === 0) return next();
  await answerSearch(ctx, text, result);
});

/**
 * Inline mode (`@bot sonth` in any chat): matching cards to share. Anyone may ask, consent or
 * not, so only published data goes out and nothing about the asker is stored. Cards are in the
 * asker's language, so Telegram must not hand them to others (is_personal); results come in
 * pages (the offset is the index of the first result), so every circle can be reached.
 */
circles.on("inline_query", async (ctx) => {
  const query = ctx.inlineQuery.query.trim();
  const visible = visibleCircles(ctx);
  const found = query === "" ? visible : searchDirectory(query, visible, ctx.services.municipalities.list()).circles;
  const offset = /^\d{1,4}$/.test(ctx.inlineQuery.offset) ? Number(ctx.inlineQuery.offset) : 0;
  const end = offset + MAX_INLINE_RESULTS;
  const results: InlineQueryResultArticle[] = found.slice(offset, end).map((circle) => ({
    type: "article",
    id: `circle-${circle.id}`,
    title: circle.isExample ? `${circle.name} ${ctx.t("circles.card.example")}` : circle.name,
    description: circle.municipalities.join(", "),
    input_message_content: { message_text: card(ctx, circle), parse_mode: "HTML", link_preview_options: { is_disabled: true } },
  }));
  await ctx.answerInlineQuery(results, { cache_time: 60, is_personal: true, next_offset: end < found.length ? String(end) : "" });
});
