import { Composer } from "grammy";
import type { BotContext } from "../../core/context.js";
import { isRelayable, messageContent, withoutCommand } from "./message-content.js";
import type { TicketRelay } from "./relay.js";
import type { QuestionsService } from "./service.js";

/**
 * Follow-ups: while a question is open, whatever the volunteer writes (or a reply to one of the
 * team's answers) joins that ticket. Installed late, so buttons, commands and the menu keep their
 * meaning. An edit of a relayed message is shown to staff as edited.
 */
export function createFollowUps(deps: { service: QuestionsService; relay: TicketRelay }): Composer<BotContext> {
  const { service: tickets, relay } = deps;
  const feature = new Composer<BotContext>();
  const privateChat = feature.chatType("private");

  privateChat.on("message", async (ctx, next) => {
    const message = ctx.message;
    if (!ctx.user || message.text?.startsWith("/")) return next();
    const repliedTo = message.reply_to_message?.message_id;
    const target = repliedTo !== undefined ? tickets.findByVolunteerMessage(ctx.from.id, repliedTo) : undefined;
    if (target?.status === "closed") {
      await ctx.reply(ctx.t("questions.closedTicket", { id: target.id }));
      return;
    }
    const ticket = target ?? tickets.latestOpen(ctx.from.id);
    if (!ticket) return next();
    if (!isRelayable(message)) {
      await ctx.reply(ctx.t("questions.unsupported"));
      return;
    }
    const known = tickets.findVolunteerMessage(ctx.from.id, message.message_id);
    const album = message.media_group_id;
    // An album counts as one message: its later parts are never refused.
    if (!known && !(album !== undefined && tickets.hasAlbumPart(ticket.id, album)) && !tickets.followUpAllowed(ctx.from.id)) {
      await ctx.reply(ctx.t("questions.followUpTooFast"));
      return;
    }
    const statusBefore = ticket.status;
    const stored = tickets.addMessage(ticket.id, {
      direction: "in",
      authorId: ctx.from.id,
      volunteerMessageId: message.message_id,
      copyable: true,
      ...messageContent(message),
    });
    // The parts of an album arrive one by one: delivered together a moment after the last one.
    let queued: boolean;
    if (album !== undefined) {
      relay.deliverSoon(ticket.id);
      queued = tickets.hasQueuedIncoming(ticket.id);
    } else {
      queued = (await relay.deliverPromptly(ticket.id)) > 0;
    }
    if (tickets.find(ticket.id)?.status !== statusBefore) await relay.refreshHeader(ticket.id);
    // One confirmation per album, not one per photo.
    if (album !== undefined && tickets.hasAlbumPart(ticket.id, album, stored.id)) return;
    await ctx.reply(ctx.t(queued ? "questions.followUpQueued" : "questions.followUpAdded", { id: ticket.id }));
  });

  privateChat.on("edited_message", async (ctx) => {
    const edited = ctx.editedMessage;
    const stored = tickets.findVolunteerMessage(ctx.from.id, edited.message_id);
    if (!stored) return;
    const content = messageContent(edited);
    // A question filed with `/frage <text>` was stored without the command (and its formatting).
    const { text, entities } = stored.copyable ? content : { text: withoutCommand(content.text ?? ""), entities: null };
    if (!text && !stored.copyable) return;
    tickets.updateContent(stored.id, { text, entities });
    await relay.applyVolunteerEdit(stored, text ?? "", entities);
  });

  return feature;
}
