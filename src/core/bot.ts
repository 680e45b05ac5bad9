import { autoRetry } from "@grammyjs/auto-retry";
import { conversations, createConversation } from "@grammyjs/conversations";
import { Api, Bot, Composer, type ApiClientOptions } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import nodeFetch from "node-fetch";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import { deleteEntriesOfChat } from "../db/key-value.js";
import { accountFeature } from "../features/account/index.js";
import { broadcastsFeature } from "../features/broadcasts/index.js";
import { circlesFeature } from "../features/circles/index.js";
import { deliveryFeature } from "../features/delivery/index.js";
import { faqFeature } from "../features/faq/index.js";
import { createAuditLog, operationsFeature, type HealthReport } from "../features/operations/index.js";
import { questionsFeature } from "../features/questions/index.js";
import { trainingsFeature } from "../features/trainings/index.js";
import type { Logger } from "../logger.js";
import { createDecisionRecorder, createEffectsFetch } from "../updates/effects-fetch.js";
import { forgetUpdatesOfUser } from "../updates/repository.js";
import { attachContext } from "./attach-context.js";
import { consentGate, nothingToCancel, otherGroupsQuiet, staffGroupQuiet, unhandled } from "./chat-policy.js";
import { registerCommands } from "./commands.js";
import type { BotContext, ConversationContext } from "./context.js";
import { createErrorBoundary } from "./error-boundary.js";
import { STAGES, type Feature, type FeatureDeps, type PersonalDataPart, type Stage } from "./feature.js";
import { deleteExpiredFlows, flowStorage } from "./flow-storage.js";
import { createFlowStarter } from "./flow.js";
import { htmlByDefault } from "./html.js";
import { createI18n, type I18n } from "./i18n.js";
import type { Job } from "./jobs.js";
import { createMainMenu } from "./menu.js";
import { pacedSending } from "./paced-sending.js";
import { RateBudget, spendingFetch } from "./rate-budget.js";
import { createRuntimeRecord, type RuntimeRecord } from "./runtime.js";
import { StaffDirectory } from "./staff.js";

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
  clock?: () => Date;
  /** Fixed bot identity (tests); otherwise `bot.init()` asks Telegram. */
  botInfo?: UserFromGetMe;
  /** The HTTP client under the effects journal (default node-fetch); the benchmark passes a stub. */
  fetch?: NonNullable<ApiClientOptions["fetch"]>;
  /** Telegram's sending budget (engine tests pass one on a fake clock); default: MESSAGES_PER_SECOND on real time. */
  budget?: RateBudget;
  /** Since when the bot runs and its last error (/status); default: a new record from now. */
  runtime?: RuntimeRecord;
}

export type LotsenBot = Bot<BotContext> & {
  i18n: I18n;
  features: readonly Feature[];
  /** Every feature's background jobs (main.ts starts them). */
  jobs: readonly Job[];
  /** Runs one job now, by name (e.g. `questions.reminders`), and returns what it returns. */
  runJob(name: string): Promise<unknown>;
  /** Sets the command menus Telegram shows, from the features' commands. */
  registerCommands(): Promise<void>;
  /** Resolves when the features' background work in progress is done (a clean stop). */
  idle(): Promise<void>;
  /** Drops the features' pending timers without running them. */
  stop(): void;
  /** Since when it runs and the last error (/status); app.ts adds background jobs' failures. */
  runtime: RuntimeRecord;
  /** The health check behind /healthz (database, queue lengths). */
  health: () => HealthReport;
};

/**
 * Builds the bot: the API with Telegram's limits, the features (the list below, in install order)
 * and the core's pieces between their stages. Nothing here reads the environment.
 */
export function createBot(deps: BotDeps): LotsenBot {
  const { config, db, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  // Telegram's budget, shared with the delivery engine: what the bot's own APIs send (replies,
  // flows, the question relay) is spent from it without waiting for the engine's queue (replies
  // first; only Telegram's own limits hold them back), and the engine's queue fills the rest. Real time, not the (test-movable) clock: Telegram counts seconds.
  const budget = deps.budget ?? new RateBudget({ perSecond: config.delivery.perSecond, now: () => Date.now() });
  const network = deps.fetch ?? (nodeFetch as unknown as NonNullable<ApiClientOptions["fetch"]>);
  const client: ApiClientOptions = {
    apiRoot: config.apiRoot,
    // Below all transformers: records each effect of an update so a replay never repeats it;
    // below that, what really goes to Telegram is spent from the budget.
    fetch: createEffectsFetch(db, spendingFetch(budget, network)),
  };
  const bot = new Bot<BotContext>(config.botToken, { botInfo: deps.botInfo, client });
  // Telegram's limits (about 30 messages/s overall, about 1/s per private chat with short bursts,
  // 20 in any minute per group) from the same budget: a call within them goes out at once, only
  // an empty bucket makes it wait (core/paced-sending.ts). Closest to the network, so retries are
  // paced too; one for the bot and the delivery API, so they share each chat's line
  // (conversations: see below). A 429 that still happens is retried by auto-retry.
  // Aborted by `stop`: calls still waiting for room fail instead of going out after the database closed.
  const stopSending = new AbortController();
  const pacing = pacedSending(budget, { stop: stopSending.signal });
  const retry = autoRetry({ maxRetryAttempts: 6, maxDelaySeconds: 120 });
  bot.api.config.use(pacing, retry, htmlByDefault);
  // Work with its own queue in the database: rather than keep a person waiting through a long
  // backoff, it retries once, then reports the message as queued and tries again later.
  const deliveryApi = new Api(config.botToken, client);
  deliveryApi.config.use(pacing, autoRetry({ maxRetryAttempts: 1, maxDelaySeconds: 10, rethrowHttpErrors: true }));

  const staff = new StaffDirectory({
    staffChatId: config.staffChatId,
    ttlMs: config.staffCacheSeconds * 1000,
    now: () => clock().getTime(),
    memberStatus: (chatId, userId) => bot.api.getChatMember(chatId, userId),
    onLookupError: (error, userId) => logger.warn({ err: error, userId }, "staff lookup failed"),
  });
  const i18n = createI18n({ operator: config.operatorName, staffTitle: config.staffTitle, retentionDays: config.questions.retentionDays });
  // Staff actions, recorded by the features and kept by the operations feature (/protokoll).
  const audit = createAuditLog({ db, clock, onError: (error) => logger.error({ err: error }, "could not write an audit entry") });
  const featureDeps: FeatureDeps = { config, db, clock, logger, i18n, staff, api: bot.api, deliveryApi, audit, sendingBudget: budget };

  // The features, in install order. Adding a capability is one line here (and its folder); one
  // that uses another gets that feature's public part (`api`) here too.
  const account = accountFeature(featureDeps, {
    personalData: () => personalData,
    settingsExtensions: () => [circles.api.settingsExtension],
  });
  const faq = faqFeature(featureDeps);
  const circles = circlesFeature(featureDeps, { account: account.api });
  const delivery = deliveryFeature(featureDeps, {
    // Straight to the network: the engine spends from the budget itself, outside any update.
    api: new Api(config.botToken, { apiRoot: config.apiRoot, fetch: network }),
    budget,
    markBlocked: account.api.markBlocked,
    dropGroupLink: circles.api.dropGroupLink,
  });
  const trainings = trainingsFeature(featureDeps, { account: account.api, circles: circles.api, delivery: delivery.api });
  const questions = questionsFeature(featureDeps, { account: account.api, circles: circles.api, faq: faq.api });
  const broadcasts = broadcastsFeature(featureDeps, { account: account.api, circles: circles.api, trainings: trainings.api, delivery: delivery.api });
  const reports = {
    questions: questions.api.statistics,
    trainings: trainings.api.statistics,
    broadcasts: broadcasts.api.statistics,
    activeVolunteers: account.api.activeVolunteers,
  };
  const runtime = deps.runtime ?? createRuntimeRecord(clock);
  const operations = operationsFeature(featureDeps, { account: account.api, questions: questions.api, trainings: trainings.api, delivery: delivery.api, runtime, reports });
  const features: Feature[] = [
    account.feature,
    questions.feature,
    faq.feature,
    circles.feature,
    delivery.feature,
    broadcasts.feature,
    trainings.feature,
    operations.feature,
  ];

  // What the core itself keeps about a person: state of flows and drafts, journal traces, the staff cache.
  const infrastructure: PersonalDataPart = {
    erase: (userId) => {
      deleteEntriesOfChat(db, userId);
      forgetUpdatesOfUser(db, userId);
      staff.forget(userId);
    },
  };
  const personalData = [...features.flatMap((feature) => (feature.personalData ? [feature.personalData] : [])), infrastructure];
  for (const feature of features) feature.seed?.();

  const menu = createMainMenu(features.flatMap((feature) => feature.menu ?? []), i18n);
  const context = [attachContext({ config, logger, i18n, staff, menu }), ...features.flatMap((feature) => (feature.context ? [feature.context] : []))];
  const flows = features.flatMap((feature) => feature.flows ?? []);
  const remember = createDecisionRecorder(db);
  const startFlow = createFlowStarter(new Map(flows.map((flow) => [flow.id, flow.exit])));
  const stage = (name: Stage) => new Composer<BotContext>(...features.flatMap((feature) => feature.middleware?.[name] ?? []));

  const root = bot.errorBoundary(createErrorBoundary({ logger, onBlocked: account.api.markBlocked, onError: runtime.noteError }));
  root.use(...context);
  root.use(async (ctx, next) => {
    ctx.remember = remember;
    ctx.startFlow = (id, ...args) => startFlow(ctx, id, ...args);
    await next();
  });
  root.use(stage("early"));
  // Flows keep their state in SQLite, so they survive a restart. A running flow sees every update
  // of its chat first (the exits are the core's policy, see flow.ts).
  root.use(
    conversations<BotContext, ConversationContext>({
      storage: flowStorage(db, clock),
      plugins: [
        // Conversations build their own Api objects, with the recorder that answers replayed
        // calls innermost: a transformer added here also sees every replayed call. Pacing
        // here would count all earlier calls of the flow again on each step (a 20-step flow
        // stalled for 20 s per step), so flows, which write into one chat at a person's pace,
        // get the retry on 429 only (their real calls are counted by the budget's fetch).
        async (ctx, next) => {
          ctx.api.config.use(retry, htmlByDefault);
          await next();
        },
        ...context,
      ],
    }),
  );
  const maxMillisecondsToWait = config.flowTimeoutHours * 3_600_000;
  for (const flow of flows) {
    root.chatType("private").use(createConversation<BotContext, ConversationContext>(flow.builder, { id: flow.id, maxMillisecondsToWait }));
  }
  root.use(nothingToCancel);
  for (const name of STAGES.filter((name) => name !== "early")) {
    root.use(stage(name));
    if (name === "staff") root.use(staffGroupQuiet(config.staffChatId));
    if (name === "groups") root.use(otherGroupsQuiet);
    if (name === "welcome") root.use(consentGate, menu.middleware);
  }
  root.use(unhandled);

  const jobs: Job[] = [
    ...features.flatMap((feature) => feature.jobs ?? []),
    {
      name: "flows.expire",
      everyMs: 3_600_000,
      atStart: true,
      run: () => deleteExpiredFlows(db, new Date(clock().getTime() - maxMillisecondsToWait)),
    },
  ];
  const commands = features.flatMap((feature) => feature.commands ?? []);
  return Object.assign(bot, {
    i18n,
    features,
    jobs,
    runJob: async (name: string) => {
      const job = jobs.find((candidate) => candidate.name === name);
      if (!job) throw new Error(`no job named ${name}`);
      return job.run();
    },
    registerCommands: () => registerCommands(bot.api, config, i18n, commands),
    idle: async () => {
      await Promise.all(features.map((feature) => feature.idle?.()));
    },
    stop: () => {
      stopSending.abort(new Error("the bot is stopping"));
      features.forEach((feature) => feature.stop?.());
    },
    runtime,
    health: operations.api.health,
  });
}
