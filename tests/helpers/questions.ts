import type { Message } from "grammy/types";
import { STAFF_CHAT_ID, type FlowHarness } from "./flow.js";

/**
 * A volunteer asks through the guided flow (in any language): /frage, topic (its id, e.g.
 * "wohnen"), the question's messages, send. Returns the bot's last message (the confirmation).
 */
export async function askQuestion(
  h: FlowHarness,
  userId: number,
  options: { topic?: string; text?: string; parts?: Array<() => ReturnType<FlowHarness["fake"]["userSendsText"]>> } = {},
): Promise<Message> {
  const { fake } = h;
  await h.handle(fake.userSendsCommand(userId, "frage"));
  const topics = fake.lastBotMessage(userId)!;
  await h.handle(fake.userClicksButton(userId, topics, `q:t:${options.topic ?? "arbeit"}`));
  const parts = options.parts ?? [() => fake.userSendsText(userId, options.text ?? "Darf ein Geflüchteter mit Duldung eine Ausbildung anfangen?")];
  for (const part of parts) await h.handle(part());
  const isSend = (b: { text: string }) => "callback_data" in b && b.callback_data === "q:send";
  const confirm = [...fake.botMessages(userId)].reverse().find((m) => m.reply_markup?.inline_keyboard.flat().some(isSend))!;
  await h.handle(fake.userClicksButton(userId, confirm, "q:send"));
  return fake.lastBotMessage(userId)!;
}

/** Messages in the staff group (optionally in one topic), oldest first. */
export function staffMessages(h: FlowHarness, threadId?: number): Message[] {
  return h.fake.messages(STAFF_CHAT_ID).filter((m) => threadId === undefined || m.message_thread_id === threadId);
}

/** The ticket row as stored. */
export function ticketRow(h: FlowHarness, id: number) {
  return h.db.$client.prepare("select * from tickets where id = ?").get(id) as Record<string, unknown> | undefined;
}

export function ticketMessageRows(h: FlowHarness, ticketId: number) {
  return h.db.$client.prepare("select * from ticket_messages where ticket_id = ? order by id").all(ticketId) as Array<Record<string, unknown>>;
}

/** The text quoted in a message (a ticket's header quotes a plain-text question), if any. */
export function quotedIn(message: Message | undefined): string | undefined {
  const quote = message?.entities?.find((entity) => entity.type === "blockquote");
  return quote && message!.text!.slice(quote.offset, quote.offset + quote.length);
}

/** Staff-group messages that show this volunteer text: a copy of its own, or quoted in a header. */
export function showing(messages: Message[], text: string): Message[] {
  return messages.filter((m) => m.text === text || quotedIn(m) === text);
}
