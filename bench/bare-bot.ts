/**
 * The baseline for the end-to-end benchmark: a bare grammY bot (long polling, no middleware,
 * journal or database) answering every message with one static HTML message and every inline
 * query with one article. Started by bench/http.ts with BOT_TOKEN and TELEGRAM_API_ROOT.
 */
import { Bot } from "grammy";

const bot = new Bot(process.env.BOT_TOKEN ?? "", { client: { apiRoot: process.env.TELEGRAM_API_ROOT } });
const TEXT = "<b>Lotsenbot</b>\nSo kann ich helfen: Fragen stellen, Schulungen, Helferkreise &amp; mehr.";

bot.on("message", (ctx) => ctx.reply(TEXT, { parse_mode: "HTML" }));
bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());
bot.on("inline_query", (ctx) =>
  ctx.answerInlineQuery([{ type: "article", id: "1", title: "Helferkreis", input_message_content: { message_text: TEXT, parse_mode: "HTML" } }], { cache_time: 60, is_personal: true }),
);
bot.catch((error) => console.error("bare bot:", error.message));
process.once("SIGTERM", () => void bot.stop());
await bot.start({ allowed_updates: ["message", "callback_query", "inline_query"] });
