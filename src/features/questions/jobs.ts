import type { Config } from "../../config.js";
import { formatDateTime } from "../../core/format.js";
import type { Job } from "../../core/jobs.js";
import type { Logger } from "../../logger.js";
import type { TicketRelay } from "./relay.js";
import type { QuestionsService } from "./service.js";
import { workingHoursBetween } from "./working-hours.js";

const DAY_MS = 86_400_000;

export interface QuestionJobDeps {
  relay: TicketRelay;
  service: QuestionsService;
  config: Config;
  logger: Logger;
  clock: () => Date;
}

/**
 * A ticket waiting longer than the configured working hours (Mon–Fri) is raised again in the
 * staff group, at most once a day. One ticket that cannot be raised (logged) keeps no other
 * from it; it is tried again on the next run. Returns how many were raised.
 */
async function remindAboutWaitingTickets(deps: QuestionJobDeps): Promise<number> {
  const { relay, service, config, logger } = deps;
  const now = deps.clock();
  let raised = 0;
  for (const ticket of service.waiting()) {
    if (!ticket.waitingSince) continue;
    if (workingHoursBetween(ticket.waitingSince, now, config.timezone) < config.questions.reminderHours) continue;
    if (ticket.lastReminderAt && now.getTime() - ticket.lastReminderAt.getTime() < DAY_MS) continue;
    const t = relay.staffT;
    try {
      await relay.notifyStaff(
        ticket,
        t("questions.staff.reminder", {
          id: ticket.id,
          topic: t(`topics.short.${ticket.topic}`),
          since: formatDateTime(ticket.waitingSince, t, config.defaultLocale, config.timezone),
        }),
      );
    } catch (error) {
      logger.warn({ err: error, ticketId: ticket.id }, "could not post a reminder; it is tried again later");
      continue;
    }
    service.markReminded(ticket.id);
    raised++;
  }
  return raised;
}

/**
 * The background work of questions: retrying deliveries that failed (at start too), reminders,
 * and deleting the contents of closed tickets after the retention period.
 */
export function questionJobs(deps: QuestionJobDeps): Job[] {
  const { relay, service, logger, config } = deps;
  return [
    { name: "questions.deliveryRetry", everyMs: config.questions.retrySeconds * 1000, atStart: true, run: () => relay.retryPending() },
    { name: "questions.reminders", everyMs: 15 * 60_000, run: () => remindAboutWaitingTickets(deps) },
    {
      name: "questions.retention",
      everyMs: 6 * 3_600_000,
      atStart: true,
      run: async () => {
        const purged = await service.purgeExpired();
        if (purged > 0) logger.info({ tickets: purged }, "deleted message contents of closed tickets after the retention period");
        return purged;
      },
    },
  ];
}
