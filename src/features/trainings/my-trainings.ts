import { Composer } from "grammy";
import type { Config } from "../../config.js";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext, BotConversation, ConversationContext } from "../../core/context.js";
import type { FlowDefinition } from "../../core/feature.js";
import { formatDate } from "../../core/format.js";
import { waitInFlow, type FlowExit } from "../../core/flow.js";
import * as callbacks from "./callbacks.js";
import { certificateFile, printableLetters, type CertificatePrint } from "./documents.js";
import type { TrainingService } from "./service.js";
import type { Certificate, Training } from "./schema.js";
import { cardHead, fitMessage, ownStatusLabel } from "./texts.js";
import { cancelNameKeyboard, myTrainingsKeyboard } from "./volunteer-keyboards.js";

export const CERTIFICATE_NAME = "trainingCertificateName";
export const CERTIFICATE_NAME_EXIT: FlowExit = {
  buttons: callbacks.CERTIFICATE_NAME_BUTTONS,
  cancel: callbacks.cancelCertificateName,
  cancelLabel: "trainings.certificate.cancel",
  cancelled: "trainings.certificate.cancelled",
};

/** A name on a certificate: 2 to 100 characters (as people count them, emoji as one). */
export const NAME_MIN = 2;
export const NAME_MAX = 100;
/** Attended trainings listed in /meineschulungen (the most recent; each with a button). */
const MAX_ATTENDED = 20;
const MAX_CAPTION_LENGTH = 1024;

/** A name as it is printed: one line, spaces collapsed; undefined when it is too short or too long. */
export function certificateNameOf(text: string): string | undefined {
  const name = text.replace(/[\p{Cc}\p{Cf}]/gu, " ").replace(/\s+/g, " ").trim();
  const length = [...name].length;
  return length >= NAME_MIN && length <= NAME_MAX ? name : undefined;
}

function printOf(certificate: Certificate, training: Training): CertificatePrint {
  return { name: certificate.name, number: certificate.number, issuedAt: certificate.issuedAt, training };
}

/**
 * /meineschulungen: the person's registrations (with waitlist places) and the trainings they
 * attended, each with its certificate of attendance. The first certificate asks the name to print
 * (a short flow); later ones reuse it. A certificate is issued once: the same number every time.
 */
export function createMyTrainings(deps: { service: TrainingService; config: Config }) {
  const { service, config } = deps;
  const timeZone = config.timezone;

  function mineView(ctx: BotContext) {
    const { upcoming, attended } = service.mine(ctx.from!.id);
    if (upcoming.length === 0 && attended.length === 0) return { text: ctx.t("trainings.volunteer.mine.empty"), reply_markup: undefined };
    const parts = [ctx.t("trainings.volunteer.mine.title")];
    if (upcoming.length > 0) {
      const entries = upcoming.map(({ training, registration, position }) =>
        [...cardHead(ctx.t, ctx.locale, timeZone, training), ownStatusLabel(ctx.t, registration, position)].join("\n"),
      );
      parts.push(ctx.t("trainings.volunteer.mine.upcoming"), ...entries);
    } else {
      parts.push(ctx.t("trainings.volunteer.mine.noUpcoming"));
    }
    const shown = attended.slice(0, MAX_ATTENDED);
    if (shown.length > 0) {
      const lines = shown.map(({ training, certificate }) =>
        ctx.t(certificate ? "trainings.volunteer.mine.attendedWithNumber" : "trainings.volunteer.mine.attendedLine", {
          title: training.title,
          date: formatDate(training.startsAt, ctx.locale, timeZone),
          number: certificate?.number ?? "",
        }),
      );
      parts.push(`${ctx.t("trainings.volunteer.mine.attended")}\n${lines.join("\n")}`, ctx.t("trainings.volunteer.mine.certificateHint"));
    }
    const reply_markup = myTrainingsKeyboard(ctx.t, {
      upcoming: upcoming.map((u) => u.training),
      attended: shown.map((a) => a.training),
      locale: ctx.locale,
      timeZone,
    });
    return { text: fitMessage(parts.join("\n\n")), reply_markup };
  }

  async function sendMine(ctx: BotContext): Promise<void> {
    const { text, reply_markup } = mineView(ctx);
    await ctx.reply(text, { link_preview_options: { is_disabled: true }, ...(reply_markup ? { reply_markup } : {}) });
  }

  async function sendCertificate(ctx: ConversationContext, print: CertificatePrint): Promise<void> {
    const file = await certificateFile(ctx, config, print);
    const caption = ctx.t("trainings.certificate.caption", { title: print.training.title, number: print.number });
    await ctx.replyWithDocument(file, { caption: fitMessage(caption, MAX_CAPTION_LENGTH) });
  }

  /** The first certificate: asks the name to print, then issues and sends it. */
  async function askName(conversation: BotConversation, ctx: ConversationContext, trainingId: number): Promise<void> {
    await ctx.reply(ctx.t("trainings.certificate.askName"), { reply_markup: cancelNameKeyboard(ctx.t) });
    let name: string | undefined;
    while (name === undefined) {
      const next = await waitInFlow(conversation, CERTIFICATE_NAME_EXIT);
      if (next.callbackQuery) {
        await next.answerCallbackQuery({ text: next.t("errors.staleButton") });
        continue;
      }
      const text = next.message?.text;
      if (text === undefined) {
        await next.reply(next.t("trainings.certificate.nameTextOnly"));
        continue;
      }
      name = certificateNameOf(text);
      if (name === undefined) await next.reply(next.t("trainings.certificate.nameLength", { min: NAME_MIN, max: NAME_MAX }));
      else if (printableLetters(name) < NAME_MIN) {
        // The font lacks these letters: the certificate would show no name.
        name = undefined;
        await next.reply(next.t("trainings.certificate.nameNotPrintable"));
      }
    }
    const userId = ctx.from!.id;
    const chosen = name;
    const issued = await conversation.external(() => {
      const certificate = service.certificate(trainingId, userId, chosen);
      const training = service.find(trainingId);
      if (!certificate || !training) return null;
      return {
        name: certificate.name,
        number: certificate.number,
        issuedAt: certificate.issuedAt.toISOString(),
        training: { title: training.title, startsAt: training.startsAt.toISOString(), endsAt: training.endsAt.toISOString(), place: training.place },
      };
    });
    if (!issued) {
      await ctx.reply(ctx.t("trainings.certificate.notAttended"));
      return;
    }
    await sendCertificate(ctx, {
      ...issued,
      issuedAt: new Date(issued.issuedAt),
      training: { ...issued.training, startsAt: new Date(issued.training.startsAt), endsAt: new Date(issued.training.endsAt) },
    });
  }

  const middleware = new Composer<BotContext>();
  const privateChat = middleware.chatType("private");

  privateChat.command("meineschulungen", sendMine);

  onCallback(privateChat, callbacks.mine, async (ctx) => {
    await ctx.answerCallbackQuery();
    await sendMine(ctx);
  });

  onCallback(privateChat, callbacks.certificate, async (ctx, { id }) => {
    const userId = ctx.from.id;
    const training = service.find(id);
    if (!training || service.registration(id, userId)?.attended !== true) {
      await ctx.answerCallbackQuery({ text: ctx.t("trainings.certificate.notAttended") });
      return;
    }
    const name = service.existingCertificate(id, userId)?.name ?? service.certificateName(userId);
    await ctx.answerCallbackQuery();
    if (name === undefined) return ctx.startFlow(CERTIFICATE_NAME, id);
    // Issued once (a replay or a second tap finds the same number), then sent.
    const certificate = service.certificate(id, userId, name)!;
    await sendCertificate(ctx, printOf(certificate, training));
  });

  const flows: FlowDefinition[] = [{ id: CERTIFICATE_NAME, builder: askName as FlowDefinition["builder"], exit: CERTIFICATE_NAME_EXIT }];
  return { middleware, flows };
}
