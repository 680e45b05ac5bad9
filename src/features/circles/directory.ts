import { Composer } from "grammy";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import { formatList } from "../../core/format.js";
import { staleButton } from "../../core/stale.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { circleCard } from "./card.js";
import { circleListKeyboard, directoryKeyboard } from "./keyboards.js";
import { normalizeName, searchDirectory, type Circle, type DirectorySearchResult } from "./rules.js";
import type { CirclesService } from "./service.js";

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

/**
 * The helper-circle directory for volunteers: municipalities to browse and search by text
 * (/helferkreise <text>, or any text naming a municipality or circle). Only published circles and
 * published contacts are ever shown.
 */
export function createDirectory(service: CirclesService) {
  const card = (ctx: BotContext, circle: Circle) => circleCard(circle, { t: ctx.t, locale: ctx.locale, timeZone: ctx.config.timezone, audience: "public" });

  async function sendCards(ctx: BotContext, found: Circle[]): Promise<void> {
    for (const circle of found) await ctx.reply(card(ctx, circle), { link_preview_options: { is_disabled: true } });
  }

  /** A few circles as cards; more as one list of buttons (cut at `limit`, with a hint to be more specific). */
  async function showCircles(ctx: BotContext, found: Circle[], query: string, limit = MAX_CHOICES): Promise<void> {
    if (found.length <= MAX_CARDS) return sendCards(ctx, found);
    const shown = found.slice(0, limit);
    const text = ctx.t("circles.choose", { query: query.slice(0, 100) });
    const more = found.length > shown.length ? `\n\n${ctx.t("circles.moreMatches", { shown: shown.length, count: found.length })}` : "";
    await ctx.reply(text + more, { reply_markup: circleListKeyboard(shown) });
  }

  async function sayNoCircle(ctx: BotContext, municipalityNames: string[]): Promise<void> {
    await ctx.reply(ctx.t("circles.none", { municipality: formatList(municipalityNames, ctx.locale) }));
  }

  async function answerSearch(ctx: BotContext, query: string, result: DirectorySearchResult): Promise<void> {
    if (result.circles.length === 0 && result.uncovered.length === 0) {
      await ctx.reply(ctx.t("circles.notFound", { query: query.slice(0, 100) }), { reply_markup: directoryKeyboard(ctx.t, service.municipalities(), 0) });
      return;
    }
    await showCircles(ctx, result.circles, query);
    // All matching municipalities without a circle in one message, not one message each.
    if (result.uncovered.length > 0) await sayNoCircle(ctx, result.uncovered.map((m) => m.name));
  }

  /** The menu entry and /helferkreise: the list of municipalities, or a search with the command's text. */
  async function openDirectory(ctx: BotContext): Promise<void> {
    const query = ctx.message?.text?.startsWith("/") && typeof ctx.match === "string" ? ctx.match.trim() : "";
    if (query !== "") return answerSearch(ctx, query, searchDirectory(query, service.listPublic(), service.municipalities()));
    await ctx.reply(ctx.t("circles.intro", { bot: ctx.me.username }), { reply_markup: directoryKeyboard(ctx.t, service.municipalities(), 0) });
  }

  const browsing = new Composer<BotContext>();
  const privateChat = browsing.chatType("private");

  onCallback(privateChat, callbacks.directoryPage, async (ctx, { page }) => {
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageReplyMarkup({ reply_markup: directoryKeyboard(ctx.t, service.municipalities(), page) }));
  });

  onCallback(privateChat, callbacks.directoryMunicipality, async (ctx, { municipalityId }) => {
    const municipality = service.municipalities().find((m) => m.id === municipalityId);
    if (!municipality) return staleButton(ctx);
    await ctx.answerCallbackQuery();
    const found = service.listPublic().filter((circle) => circle.municipalityIds.includes(municipalityId));
    if (found.length === 0) return sayNoCircle(ctx, [municipality.name]);
    await showCircles(ctx, found, municipality.name, MAX_BUTTONS);
  });

  onCallback(privateChat, callbacks.directoryCircle, async (ctx, { circleId }) => {
    const circle = service.listPublic().find((c) => c.id === circleId);
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
   * only, so a stray "e" or "hallo" is no search. Installed late (just before "unhandled"):
   * features that own free text (follow-ups to an open question) come first.
   */
  const searchByText = new Composer<BotContext>();
  searchByText.chatType("private").on("message:text", async (ctx, next) => {
    const text = ctx.message.text.trim();
    if (text.startsWith("/") || text.length > 60) return next();
    if (normalizeName(text).replace(/ /g, "").length < MIN_TEXT_QUERY) return next();
    const result = searchDirectory(text, service.listPublic(), service.municipalities(), "wordStart");
    if (result.circles.length === 0 && result.uncovered.length === 0) return next();
    await answerSearch(ctx, text, result);
  });

  return { browsing, searchByText, openDirectory };
}
