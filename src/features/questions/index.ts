import type { Feature, FeatureDeps } from "../../core/feature.js";
import type { AccountApi } from "../account/index.js";
import type { CirclesApi } from "../circles/index.js";
import type { FaqApi } from "../faq/index.js";
import { ASK_QUESTION, ASK_QUESTION_EXIT, createAskQuestion } from "./ask-question.js";
import { createFollowUps } from "./follow-ups.js";
import { questionJobs } from "./jobs.js";
import { TicketRelay } from "./relay.js";
import { createQuestionsService } from "./service.js";
import { createStaffSide } from "./staff.js";
import { questionFigures, type QuestionFigures } from "./statistics-repository.js";
import { createVolunteerSide, startQuestion } from "./volunteer.js";

export type { QuestionFigures } from "./statistics-repository.js";

/**
 * Questions to the Lotsin team: a volunteer's question (guided flow or `/frage <text>`) becomes a
 * ticket in the staff group (its own topic, or a header to reply to); the team's answers come back
 * as the bot's messages. Everything is stored before it is sent and retried until it arrives.
 */
export function questionsFeature(
  deps: FeatureDeps,
  uses: { account: AccountApi; circles: Pick<CirclesApi, "publishedNamesCovering">; faq: FaqApi },
) {
  const { config, logger, clock } = deps;
  const service = createQuestionsService({ db: deps.db, config, clock, audit: deps.audit });
  const relay = new TicketRelay({ api: deps.deliveryApi, service, account: uses.account, circles: uses.circles, config, i18n: deps.i18n, logger, clock, recordPast: (chatId, agesMs) => deps.sendingBudget.recordPast(chatId, agesMs) });
  const staffChatId = config.staffChatId;

  /** The copies of a person's questions in the staff group go with their data (best effort). */
  async function removeStaffCopies(userId: number): Promise<void> {
    if (staffChatId === undefined) return;
    for (const trace of service.staffTraces(userId)) {
      try {
        if (trace.threadId !== null) await deps.api.deleteForumTopic(staffChatId, trace.threadId);
        else if (trace.messageIds.length > 0) await deps.api.deleteMessages(staffChatId, trace.messageIds);
      } catch (error) {
        // Telegram may refuse (e.g. messages older than 48 hours in some groups): logged, not shown.
        logger.warn({ err: error }, "could not remove a ticket's copies from the staff group");
      }
    }
  }

  const feature: Feature = {
    name: "questions",
    middleware: {
      staff: createStaffSide({ service, relay, staffChatId, clock, startFaqDraft: uses.faq.startDraft }),
      main: createVolunteerSide({ service, relay }),
      late: createFollowUps({ service, relay }),
    },
    flows: [
      {
        id: ASK_QUESTION,
        exit: ASK_QUESTION_EXIT,
        builder: createAskQuestion({ service, relay, faqMatches: (ctx, text) => uses.faq.match(text, ctx.locale).map((entry) => uses.faq.card(ctx.t, entry)) }),
      },
    ],
    commands: [
      { command: "frage", scope: "private", description: "commands.frage", order: 20 },
      { command: "meinefragen", scope: "private", description: "commands.meinefragen", order: 30 },
      { command: "offen", scope: "staff", description: "commands.offen", order: 10 },
      { command: "ticket", scope: "staff", description: "commands.ticket", order: 20 },
      { command: "schliessen", scope: "staff", description: "commands.schliessen", order: 30 },
      { command: "abwesend", scope: "staff", description: "commands.abwesend", order: 40 },
      { command: "anwesend", scope: "staff", description: "commands.anwesend", order: 50 },
    ],
    menu: [{ label: "menu.ask", order: 10, open: startQuestion }],
    jobs: questionJobs({ relay, service, config, logger, clock }),
    personalData: { export: service.exportPart, removeTraces: removeStaffCopies, erase: service.erasePart },
    idle: () => relay.idle(),
    stop: () => relay.stop(),
  };

  /** What other features use: how many tickets are not closed (/status), the figures of a period for /statistik (aggregates only). */
  const api = {
    countUnclosed: service.countUnclosed,
    statistics: (from: Date, to: Date): QuestionFigures => questionFigures(deps.db, from, to),
  };
  return { feature, api };
}

export type QuestionsApi = ReturnType<typeof questionsFeature>["api"];
