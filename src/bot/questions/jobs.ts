import type { Config } from "../../config.js";
import { workingHoursBetween } from "../../domain/working-hours.js";
import type { Logger } from "../../logger.js";
import { formatDateTime } from "../format.js";
import type { Services } from "../services.js";
import type { TicketRelay } from "./relay.js";

const DAY_MS = 86_400_000;

/**
 * A ticket waiting longer than the configured working hours (Mon–Fri) is raised again in the
 * staff group, at most once a day. One ticket that cannot be raised (logged) keeps no other
 * from it; it is tried again on the next run. Returns how many were raised.
 */
export async function remindAboutWaitingTickets(deps: { relay: TicketRelay; services: Services; config: Config; logger: Logger }): Promise<number> {
  const { relay, services, config, logger } = deps;
  const now = services.now();
  let raised = 0;
  for (const ticket of services.tickets.waiting()) {
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
    services.tickets.markReminded(ticket.id);
    raised++;
  }
  return raised;
}

export interface QuestionJobs {
  stop(): void;
}

/**
 * The background work of questions: retrying deliveries that failed, reminders, and deleting
 * the contents of closed tickets after the retention period. Runs once at start, then on timers.
 */
export function startQuestionJobs(deps: {
  relay: TicketRelay;
  services: Services;
  config: Config;
  logger: Logger;
  intervals?: { retryMs?: number; reminderMs?: number; retentionMs?: number };
}): QuestionJobs {
  const { relay, services, logger } = deps;
  const guard = (name: string, job: () => Promise<unknown> | unknown) => async () => {
    try {
      await job();
    } catch (error) {
      logger.warn({ err: error, job: name }, "background job failed; it runs again later");
    }
  };
  const retry = guard("delivery retry", () => relay.retryPending());
  const remind = guard("reminders", () => remindAboutWaitingTickets(deps));
  const purge = guard("retention", () => {
    const purged = services.tickets.purgeExpired();
    if (purged > 0) logger.info({ tickets: purged }, "deleted message contents of closed tickets after the retention period");
  });
  void retry();
  void purge();
  const timers = [
    setInterval(retry, deps.intervals?.retryMs ?? 30_000),
    setInterval(remind, deps.intervals?.reminderMs ?? 15 * 60_000),
    setInterval(purge, deps.intervals?.retentionMs ?? 6 * 3_600_000),
  ];
  for (const timer of timers) timer.unref();
  return { stop: () => timers.forEach(clearInterval) };
}
