import { Composer } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import type { BotContext } from "../../core/context.js";
import { circleCard } from "./card.js";
import { searchDirectory } from "./rules.js";
import type { CirclesService } from "./service.js";

/** Inline results per answer (Telegram allows 50). */
const MAX_INLINE_RESULTS = 20;

/**
 * Inline mode (`@bot sonth` in any chat): matching cards to share. Anyone may ask, consent or
 * not, so only published data goes out and nothing about the asker is stored. Cards are in the
 * asker's language, so Telegram must not hand them to others (is_personal); results come in
 * pages (the offset is the index of the first result), so every circle can be reached.
 */
export function createInlineSearch(service: CirclesService): Composer<BotContext> {
  const inline = new Composer<BotContext>();
  inline.on("inline_query", async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    const visible = service.listPublic();
    const found = query === "" ? visible : searchDirectory(query, visible, service.municipalities()).circles;
    const offset = /^\d{1,4}$/.test(ctx.inlineQuery.offset) ? Number(ctx.inlineQuery.offset) : 0;
    const end = offset + MAX_INLINE_RESULTS;
    const results: InlineQueryResultArticle[] = found.slice(offset, end).map((circle) => ({
      type: "article",
      id: `circle-${circle.id}`,
      title: circle.isExample ? `${circle.name} ${ctx.t("circles.card.example")}` : circle.name,
      description: circle.municipalities.join(", "),
      input_message_content: {
        message_text: circleCard(circle, { t: ctx.t, locale: ctx.locale, timeZone: ctx.config.timezone, audience: "public" }),
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
      },
    }));
    await ctx.answerInlineQuery(results, { cache_time: 60, is_personal: true, next_offset: end < found.length ? String(end) : "" });
  });
  return inline;
}
