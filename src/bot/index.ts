import { AsyncLocalStorage } from "node:async_hooks";
import { autoRetry } from "@grammyjs/auto-retry";
import { conversations } from "@grammyjs/conversations";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Api, Bot, type ApiClientOptions, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import nodeFetch from "node-fetch";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { StaffDirectory } from "../domain/staff.js";
import type { Logger } from "../logger.js";
import { createEffectsFetch } from "../updates/effects-fetch.js";
import type { BotContext, ConversationContext } from "./context.js";
import { conversationStorage } from "./conversation-storage.js";
import { createErrorHandler } from "./error-handler.js";
import { chatMembership } from "./features/chat-membership.js";
import { createCircleAdmin } from "./features/circle-admin.js";
import { circleSearchByText, circles } from "./features/circles.js";
import { consentGate } from "./features/consent-gate.js";
import { createFaqStaffFeature, faqBrowsing, startFaqDraft } from "./features/faq.js";
import { createMenu } from "./features/menu.js";
import { municipalityPicker } from "./features/municipality-picker.js";
import { onboarding } from "./features/onboarding.js";
import { otherGroups } from "./features/other-groups.js";
import { privacy } from "./features/privacy.js";
import { settings } from "./features/settings.js";
import { createStaffFeature } from "./features/staff.js";
import { unhandled } from "./features/unhandled.js";
import { createI18n, type I18n } from "./i18n.js";
import { attachContext } from "./middlewares/attach-context.js";
import { createFollowUpFeature, createQuestionsFeature } from "./features/questions.js";
import { formatFaqCard } from "./format.js";
import { createTicketStaffFeature } from "./features/ticket-staff.js";
import { menuLabelMatcher } from "./keyboards/main-menu.js";
import { TicketRelay } from "./questions/relay.js";
import { createServices, type Services } from "./services.js";

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock?: () => Date;
  /** Fixed bot identity (tests); otherwise `bot.init()` asks Telegram. */
  botInfo?: UserFromGetMe;
  /** The HTTP client under the effects journal (default node-fetch); the benchmark passes a stub. */
  fetch?: NonNullable<ApiClientOptions["fetch"]>;
}

/**
 * Telegram's limits: about 30 messages/s overall, about 1/s per private chat with short bursts
 * allowed, 20/min per group. Per chat this is a token bucket: a burst (a person tapping through a
 * flow) goes out at once, then one message a second (a group: one every 3 s) refills it.
 * Broadcasts are shaped by it. A 429 that still happens is retried by auto-retry.
 */
const THROTTLE = {
  global: { reservoir: 30, reservoirRefreshAmount: 30, reservoirRefreshInterval: 1000 },
  out: { maxConcurrent: 1, reservoir: 30, reservoirIncreaseAmount: 1, reservoirIncreaseInterval: 1000, reservoirIncreaseMaximum: 30 },
  group: { maxConcurrent: 1, reservoir: 20, reservoirIncreaseAmount: 1, reservoirIncreaseInterval: 3000, reservoirIncreaseMaximum: 20 },
};

/** Only calls that put something into a chat count against its limits; reads do not. */
const LIMITED_METHODS = /^(send|copy|forward|edit)/;

function throttleSending(throttler: Transformer): Transformer {
  return (prev, method, payload, signal) =>
    LIMITED_METHODS.test(method)
      ? // The throttler runs queued calls from its own timers; binding keeps each call in the
        // async context of the update that made it (the effects journal depends on that).
        throttler(AsyncLocalStorage.bind(prev), method, payload, signal)
      : prev(method, payload, signal);
}

export type LotsenBot = Bot<BotContext> & { i18n: I18n; relay: TicketRelay; services: Services };

/** Builds the bot with all features in their order. Nothing here reads the environment. */
export function createBot(deps: BotDeps): LotsenBot {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const client: ApiClientOptions = {
    apiRoot: config.apiRoot,
    // Below all transformers: records each effect of an update so a replay never repeats it.
    fetch: createEffectsFetch(db, deps.fetch ?? (nodeFetch as unknown as NonNullable<ApiClientOptions["fetch"]>)),
  };
  const bot = new Bot<BotContext>(config.botToken, { botInfo: deps.botInfo, client });
  // The throttler sits closest to the network, so retries are throttled too. One throttler for
  // the bot and the ticket relay, so limits are shared (conversations: see below).
  const throttler = throttleSending(apiThrottler(THROTTLE));
  const retry = autoRetry({ maxRetryAttempts: 6, maxDelaySeconds: 120 });
  const sending = [throttler, retry];
  for (const transformer of sending) bot.api.config.use(transformer);
  // The relay has its own queue in the database: rather than keep a volunteer waiting through a
  // long backoff, it retries once, then reports the message as queued and tries again later.
  const relayApi = new Api(config.botToken, client);
  relayApi.config.use(throttler);
  relayApi.config.use(autoRetry({ maxRetryAttempts: 1, maxDelaySeconds: 10, rethrowHttpErrors: true }));

  const staff = new StaffDirectory({
    staffChatId: config.staffChatId,
    ttlMs: config.staffCacheSeconds * 1000,
    now: () => clock().getTime(),
    memberStatus: (chatId, userId) => bot.api.getChatMember(chatId, userId),
    onLookupError: (error, userId) => logger.warn({ err: error, userId }, "staff lookup failed"),
  });
  const i18n = createI18n({ operator: config.operatorName, staffTitle: config.staffTitle, retentionDays: config.questions.retentionDays });
  const services = createServices({ db, config, clock, staff });

  const root = bot.errorBoundary(createErrorHandler(logger));
  const context = attachContext({ config, services, logger, i18n });
  root.use(context);
  root.use(chatMembership);
  // Conversation state lives in SQLite, so multi-step flows survive a restart.
  root.use(
    conversations<BotContext, ConversationContext>({
      storage: conversationStorage(db),
      plugins: [
        // Conversations build their own Api objects, with the recorder that answers replayed
        // calls innermost: a transformer added here also sees every replayed call. A throttler
        // here would count all earlier calls of the flow again on each step (a 20-step flow
        // stalled for 20 s per step), so conversations, which write into one chat at a
        // person's pace, get the retry on 429 only.
        async (ctx, next) => {
          ctx.api.config.use(retry);
          await next();
        },
        context,
      ],
    }),
  );
  const relay = new TicketRelay({ api: relayApi, services, config, i18n, logger });
  const isMenuLabel = menuLabelMatcher(i18n);
  // Before the staff feature, which keeps the rest of the staff group's chatter to itself.
  root.use(
    createTicketStaffFeature({
      relay,
      staffChatId: config.staffChatId,
      startFaqDraft: async (ctx, draft) => (await startFaqDraft(ctx, draft)) !== "unreachable",
    }),
  );
  // Staff FAQ tools before the staff group's catch-all and before the consent gate.
  root.use(createFaqStaffFeature(config.staffChatId));
  root.use(createCircleAdmin(config.staffChatId));
  root.use(createStaffFeature(config.staffChatId));
  root.use(otherGroups);
  root.use(onboarding);
  root.use(privacy);
  root.use(consentGate);
  root.use(
    createQuestionsFeature({
      relay,
      isMenuLabel,
      faqMatches: (ctx, text) => ctx.services.faq.match(text, ctx.locale).map((entry) => formatFaqCard(ctx.t, entry)),
    }),
  );
  root.use(municipalityPicker);
  root.use(createMenu(i18n));
  root.use(circles);
  root.use(settings);
  root.use(faqBrowsing);
  root.use(createFollowUpFeature(relay));
  // Late: free text belongs first to features that own it (e.g. follow-ups to a question).
  root.use(circleSearchByText);
  root.use(unhandled);

  return Object.assign(bot, { i18n, relay, services });
}
