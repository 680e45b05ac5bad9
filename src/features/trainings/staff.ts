import { Composer, InputFile } from "grammy";
import type { Config } from "../../config.js";
import { updateKey } from "../../core/audit.js";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import type { CommandSpec, FlowDefinition } from "../../core/feature.js";
import { formatDate, formatDateTime } from "../../core/format.js";
import { requireStaff, staffArea, staffOnly } from "../../core/staff.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import { createTrainingEditor, TRAINING_EDITOR, TRAINING_EDITOR_EXIT } from "./create-flow.js";
import type { Training } from "./schema.js";
import type { TrainingService } from "./service.js";
import * as callbacks from "./staff-callbacks.js";
import { attendanceKeyboard, confirmCancelKeyboard, manageKeyboard, trainingListKeyboard } from "./staff-keyboards.js";
import { attendeeRows, attendeesCsv, attendeesText, listLabel, manageText } from "./staff-texts.js";

/**
 * Staff's tools: `/schulung_neu` (the creation flow, in the private chat), `/schulungen_verwalten`
 * (recent and coming trainings, each with Bearbeiten, Absagen, Teilnehmer, Anwesenheit erfassen),
 * `/teilnehmer` (straight to a training's attendee list and its CSV), `/bestaetigung <nummer>`.
 * In the staff group and in staff members' private chats; the flows only in the private chat.
 */
export function createTrainingStaff(deps: {
  service: TrainingService;
  config: Config;
  clock: () => Date;
  firstNames(ids: readonly number[]): Map<number, string>;
}) {
  const { service, config } = deps;
  const middleware = new Composer<BotContext>();
  const where = staffArea(middleware, config.staffChatId);
  const flows: FlowDefinition[] = [{ id: TRAINING_EDITOR, builder: createTrainingEditor(service), exit: TRAINING_EDITOR_EXIT }];
  const commands: CommandSpec[] = [
    { command: "schulung_neu", scope: "staff", description: "commands.schulung_neu", order: 87 },
    { command: "schulungen_verwalten", scope: "staff", description: "commands.schulungen_verwalten", order: 88 },
    { command: "teilnehmer", scope: "staff", description: "commands.teilnehmer", order: 89 },
    { command: "bestaetigung", scope: "staff", description: "commands.bestaetigung", order: 89.5 },
  ];
  const started = (training: Training) => training.startsAt.getTime() <= deps.clock().getTime();

  /** Flows run in the private chat: in the staff group, a pointer there. */
  async function inPrivate(ctx: BotContext, command: string): Promise<boolean> {
    if (ctx.chat?.type === "private") return true;
    const text = ctx.t("trainings.staff.privateOnly", { bot: ctx.me.username, command });
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("trainings.staff.privateOnlyShort"), show_alert: true });
    else await ctx.reply(text, { link_preview_options: { is_disabled: true } });
    return false;
  }

  where.command("schulung_neu", staffOnly, async (ctx) => {
    if (!(await inPrivate(ctx, "schulung_neu"))) return;
    await ctx.startFlow(TRAINING_EDITOR);
  });

  function listMessage(ctx: BotContext, to: "manage" | "people") {
    const views = service.forStaff();
    if (views.length === 0) return { text: ctx.t("trainings.staff.list.empty"), reply_markup: trainingListKeyboard(ctx.t, [], to) };
    const entries = views.map((view) => ({ id: view.training.id, label: listLabel(ctx.locale, config.timezone, view) }));
    return { text: ctx.t(to === "manage" ? "trainings.staff.list.manage" : "trainings.staff.list.people"), reply_markup: trainingListKeyboard(ctx.t, entries, to) };
  }

  where.command("schulungen_verwalten", staffOnly, async (ctx) => {
    await ctx.reply(...toReply(listMessage(ctx, "manage")));
  });
  where.command("teilnehmer", staffOnly, async (ctx) => {
    await ctx.reply(...toReply(listMessage(ctx, "people")));
  });

  onCallback(where, callbacks.list, async (ctx, { to }) => {
    if (!(await requireStaff(ctx))) return;
    await ctx.answerCallbackQuery();
    const { text, reply_markup } = listMessage(ctx, to);
    await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
  });

  /** The training, or a polite answer that it is gone or cancelled. */
  async function open(ctx: BotContext, id: number): Promise<Training | undefined> {
    const training = service.find(id);
    if (training && training.status !== "cancelled") return training;
    await ctx.answerCallbackQuery({ text: ctx.t(training ? "trainings.staff.alreadyCancelled" : "trainings.staff.notFound"), show_alert: true });
    return undefined;
  }

  onCallback(where, callbacks.manage, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    const training = await open(ctx, id);
    if (!training) return;
    await ctx.answerCallbackQuery();
    await ctx.reply(manageText(ctx.t, ctx.locale, config.timezone, { training, seats: service.seatsOf(id) }), {
      reply_markup: manageKeyboard(ctx.t, id, started(training)),
      link_preview_options: { is_disabled: true },
    });
  });

  onCallback(where, callbacks.edit, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    if (!(await inPrivate(ctx, "schulungen_verwalten"))) return;
    if (!(await open(ctx, id))) return;
    await ctx.answerCallbackQuery();
    await ctx.startFlow(TRAINING_EDITOR, id);
  });

  onCallback(where, callbacks.askCancel, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    const training = await open(ctx, id);
    if (!training) return;
    await ctx.answerCallbackQuery();
    const seats = service.seatsOf(id);
    await ctx.reply(ctx.t("trainings.staff.cancelTraining.ask", { title: training.title, count: seats.registered + seats.waitlisted }), {
      reply_markup: confirmCancelKeyboard(ctx.t, id),
    });
  });

  onCallback(where, callbacks.confirmCancel, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    const training = service.find(id);
    if (!training) return ctx.answerCallbackQuery({ text: ctx.t("trainings.staff.notFound"), show_alert: true });
    // Decided once per update: a replay says the same as the first run, a second tap says it is done already.
    const before = ctx.remember("trainings.cancel", () => training.status);
    if (before === "cancelled") return ctx.answerCallbackQuery({ text: ctx.t("trainings.staff.alreadyCancelled"), show_alert: true });
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageReplyMarkup());
    // Reply first, write last: a replay finds it cancelled and says the same (the notice is keyed, queued once).
    const told = service.registrantIds(id).length;
    await ctx.reply(ctx.t("trainings.staff.cancelTraining.done", { title: training.title, count: told }));
    service.cancel(id, ctx.from.id);
  });

  async function sendAttendees(ctx: BotContext, training: Training): Promise<void> {
    const registrations = service.attendees(training.id);
    const rows = attendeeRows(registrations, deps.firstNames(registrations.map((r) => r.userId)), ctx.t("trainings.staff.unknownName"));
    await ctx.reply(attendeesText(ctx.t, ctx.locale, config.timezone, training, rows));
    if (rows.length === 0) return;
    const csv = attendeesCsv(ctx.t, ctx.locale, config.timezone, rows);
    const fileName = ctx.t("trainings.staff.csv.fileName", { id: training.id, date: formatDate(training.startsAt, "de", config.timezone) });
    await ctx.replyWithDocument(new InputFile(Buffer.from(csv, "utf8"), fileName));
  }

  onCallback(where, callbacks.attendees, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    const training = await open(ctx, id);
    if (!training) return;
    await ctx.answerCallbackQuery();
    await sendAttendees(ctx, training);
  });

  /** Registered people with their names, as the toggles show them. */
  function seated(trainingId: number, unknown: string): Array<{ userId: number; name: string }> {
    const registered = service.attendees(trainingId).filter((r) => r.status === "registered");
    const names = deps.firstNames(registered.map((r) => r.userId));
    return registered.map((r) => ({ userId: r.userId, name: names.get(r.userId) ?? unknown }));
  }

  async function showAttendance(ctx: BotContext, training: Training, absent: readonly number[], page: number, fresh: boolean): Promise<void> {
    const people = seated(training.id, ctx.t("trainings.staff.unknownName"));
    if (people.length === 0) {
      await ctx.reply(ctx.t("trainings.staff.attendance.nobody", { title: training.title }));
      return;
    }
    const text = ctx.t("trainings.staff.attendance.ask", { title: training.title, present: people.length - people.filter((p) => absent.includes(p.userId)).length, count: people.length });
    const reply_markup = attendanceKeyboard(ctx.t, training.id, people, new Set(absent), page);
    if (fresh) await ctx.reply(text, { reply_markup });
    else await ignoreNotModified(ctx.editMessageText(text, { reply_markup }));
  }

  /** Attendance for a training that has started; else a polite alert. */
  async function openForAttendance(ctx: BotContext, id: number): Promise<Training | undefined> {
    const training = await open(ctx, id);
    if (!training) return undefined;
    if (started(training)) return training;
    await ctx.answerCallbackQuery({ text: ctx.t("trainings.staff.attendance.notYet"), show_alert: true });
    return undefined;
  }

  onCallback(where, callbacks.attendance, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    const training = await openForAttendance(ctx, id);
    if (!training) return;
    await ctx.answerCallbackQuery();
    const absent = service.attendanceDraft.start(id, ctx.chat!.id);
    await showAttendance(ctx, training, absent, 0, true);
  });

  onCallback(where, callbacks.tick, async (ctx, { id, user, on, page }) => {
    if (!(await requireStaff(ctx))) return;
    const training = await openForAttendance(ctx, id);
    if (!training) return;
    await ctx.answerCallbackQuery();
    // The button carries the value to set: a second tap on an old keyboard changes nothing.
    if (service.attendanceDraft.absent(id, ctx.chat!.id).includes(user) === !on) return;
    const absent = service.attendanceDraft.set(id, ctx.chat!.id, user, on);
    await showAttendance(ctx, training, absent, page, false);
  });

  onCallback(where, callbacks.attendancePage, async (ctx, { id, page }) => {
    if (!(await requireStaff(ctx))) return;
    const training = await openForAttendance(ctx, id);
    if (!training) return;
    await ctx.answerCallbackQuery();
    await showAttendance(ctx, training, service.attendanceDraft.absent(id, ctx.chat!.id), page, false);
  });

  onCallback(where, callbacks.saveAttendance, async (ctx, { id }) => {
    if (!(await requireStaff(ctx))) return;
    const training = await openForAttendance(ctx, id);
    if (!training) return;
    await ctx.answerCallbackQuery();
    const absent = new Set(service.attendanceDraft.absent(id, ctx.chat!.id));
    const everyone = seated(id, "").map((p) => p.userId);
    const present = everyone.filter((userId) => !absent.has(userId));
    // Out of those who hold a seat now (a tick kept for someone who gave theirs back does not count).
    await ignoreNotModified(ctx.editMessageText(ctx.t("trainings.staff.attendance.saved", { title: training.title, present: present.length, count: everyone.length })));
    service.saveAttendance(id, present, { id: ctx.from.id, key: updateKey(ctx.update), seated: everyone.length });
  });

  where.command("bestaetigung", staffOnly, async (ctx) => {
    const number = typeof ctx.match === "string" ? ctx.match.trim() : "";
    if (number === "") return ctx.reply(ctx.t("trainings.staff.certificate.usage"));
    const found = service.lookupCertificate(number);
    if (!found) return ctx.reply(ctx.t("trainings.staff.certificate.unknown", { number: number.slice(0, 40) }));
    const { certificate, training } = found;
    return ctx.reply(
      ctx.t("trainings.staff.certificate.found", {
        number: certificate.number,
        name: certificate.name,
        title: training.title,
        date: formatDate(training.startsAt, ctx.locale, config.timezone),
        issued: formatDateTime(certificate.issuedAt, ctx.t, ctx.locale, config.timezone),
        cancelled: training.status === "cancelled" ? ctx.t("trainings.staff.certificate.cancelledNote") : "",
      }),
    );
  });

  return { middleware, flows, commands };
}

function toReply(message: { text: string; reply_markup: ReturnType<typeof trainingListKeyboard> }) {
  return [message.text, { reply_markup: message.reply_markup }] as const;
}
