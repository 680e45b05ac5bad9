import { Composer } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import { publicView, searchDirectory, type Circle, type DirectorySearchResult } from "../../domain/directory.js";
import { callbackData, callbackPatterns } from "../callback-data.js";
import { circleCard } from "../circle-card.js";
import type { BotContext } from "../context.js";
import { circleListKeyboard, directoryKeyboard } from "../keyboards/circles.js";
import { staleButton } from "../stale-button.js";
import { ignoreNotModified } from "../telegram-errors.js";

/** How many cards a search answers with directly; more matches get a list of buttons. */
const MAX_CARDS = 3;
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

async function answerSearch(ctx: BotContext, query: string, result: DirectorySearchResult): Promise<void> {
  if (result.circles.length === 0 && result.uncovered.length === 0) {
    await ctx.reply(ctx.t("circles.notFound", { query: query.slice(0, 100) }), {
      parse_mode: "HTML",
      reply_markup: directoryKeyboard(ctx.t, ctx.services.municipalities.list(), 0),
    });
    return;
  }
  if (result.circles.length > MAX_CARDS) {
    await ctx.reply(ctx.t("circles.choose", { query: query.slice(0, 100) }), {
      parse_mode: "HTML",
      reply_markup: circleListKeyboard(result.circles, callbackData.directoryCircle),
    });
  } else {
    await sendCards(ctx, result.circles);
  }
  for (const municipality of result.uncovered) {
    await ctx.reply(ctx.t("circles.none", { municipality: municipality.name }), { parse_mode: "HTML" });
  }
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
  if (found.length === 0) {
    await ctx.reply(ctx.t("circles.none", { municipality: municipality.name }), { parse_mode: "HTML" });
    return;
  }
  await sendCards(ctx, found);
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
 * Installed separately, late (just before "unhandled"): features that own free text (a running
 * flow, follow-ups to an open question) come first.
 */
export const circleSearchByText = new Composer<BotContext>();

circleSearchByText.chatType("private").on("message:text", async (ctx, next) => {
  const text = ctx.message.text.trim();
  if (text.startsWith("/") || text.length > 60) return next();
  const result = searchDirectory(text, visibleCircles(ctx), ctx.services.municipalities.list());
  if (result.circles.length === 0 && result.uncovered.length === 0) return next();
  await answerSearch(ctx, text, result);
});

/**
 * Inline mode (`@bot sonth` in any chat): matching cards to share. Anyone may ask, consent or
 * not, so only published data goes out and nothing about the asker is stored.
 */
circles.on("inline_query", async (ctx) => {
  const query = ctx.inlineQuery.query.trim();
  const visible = visibleCircles(ctx);
  const found = query === "" ? visible : searchDirectory(query, visible, ctx.services.municipalities.list()).circles;
  const results: InlineQueryResultArticle[] = found.slice(0, MAX_INLINE_RESULTS).map((circle) => ({
    type: "article",
    id: `circle-${circle.id}`,
    title: circle.isExample ? `${circle.name} ${ctx.t("circles.card.example")}` : circle.name,
    description: circle.municipalities.join(", "),
    input_message_content: { message_text: card(ctx, circle), parse_mode: "HTML", link_preview_options: { is_disabled: true } },
  }));
  await ctx.answerInlineQuery(results, { cache_time: 60, is_personal: false });
});
