import type { Message, Update } from "grammy/types";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeTelegram, type ApiResult } from "../../../src/sandbox/fake-telegram/index.js";

const TOKEN = "123456:TEST";
const ANNA = 1001;
const BERND = 1002;
const GROUP = -1001234567890;
const FORUM = -1009876543210;

let fake: FakeTelegram;
let clock: number;

beforeEach(() => {
  clock = Date.UTC(2026, 0, 15, 9, 0, 0);
  fake = new FakeTelegram({ token: TOKEN, now: () => clock });
  fake.addUser({ id: ANNA, first_name: "Anna", username: "anna_lotsin", language_code: "de" });
  fake.addUser({ id: BERND, first_name: "Bernd" });
});

async function ok<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
  const response = await fake.handle(method, params);
  if (!response.ok) throw new Error(`${method} failed: ${response.error_code} ${response.description}`);
  return response.result as T;
}

async function fail(method: string, params: Record<string, unknown> = {}): Promise<Extract<ApiResult, { ok: false }>> {
  const response = await fake.handle(method, params);
  if (response.ok) throw new Error(`${method} unexpectedly succeeded`);
  return response;
}

function send(chatId: number, text: string, extra: Record<string, unknown> = {}): Promise<Message> {
  return ok<Message>("sendMessage", { chat_id: chatId, text, ...extra });
}

const keyboard = (...buttons: Array<[string, string]>) => ({
  inline_keyboard: [buttons.map(([text, callback_data]) => ({ text, callback_data }))],
});

describe("FakeTelegram basics", () => {
  it("answers getMe with the configured bot", async () => {
    const me = await ok<{ id: number; username: string; is_bot: boolean }>("getMe");
    expect(me).toMatchObject({ id: 7000000001, username: "lotsenbot_test_bot", is_bot: true, first_name: "Lotsenbot" });
    const custom = new FakeTelegram({ token: TOKEN, bot: { id: 5, first_name: "X", username: "x_bot" } });
    expect((await custom.handle("getMe", {})).ok).toBe(true);
    expect(custom.botInfo.username).toBe("x_bot");
  });

  it("records every call with its canonical name and response", async () => {
    await fake.handle("SENDMESSAGE", { chat_id: ANNA, text: "hi" });
    await fake.handle("nope", {});
    expect(fake.calls.map((c) => [c.method, c.response?.ok])).toEqual([
      ["sendMessage", true],
      ["nope", false],
    ]);
    expect(fake.calls[1]?.response).toEqual({ ok: false, error_code: 404, description: "Not Found" });
    expect(fake.callsTo("sendMessage")).toHaveLength(1);
  });

  it("accepts other True-returning methods and reports unimplemented ones", async () => {
    expect(await ok("setChatTitle", { chat_id: GROUP, title: "x" })).toBe(true);
    expect(await fail("sendPoll", { chat_id: ANNA, question: "?", options: [] })).toEqual({
      ok: false,
      error_code: 501,
      description: "Not Implemented in FakeTelegram: sendPoll",
    });
  });
});

describe("sending messages", () => {
  it("creates realistic messages with per-chat ids and dates in seconds", async () => {
    fake.addGroup({ id: GROUP, title: "Lotsen", members: [{ user: ANNA, status: "member" }] });
    const first = await send(ANNA, "Hallo <b>Anna</b>", { parse_mode: "HTML" });
    expect(first).toEqual({
      message_id: 1,
      from: { id: 7000000001, is_bot: true, first_name: "Lotsenbot", username: "lotsenbot_test_bot" },
      chat: { id: ANNA, type: "private", first_name: "Anna", username: "anna_lotsin" },
      date: clock / 1000,
      text: "Hallo Anna",
      entities: [{ type: "bold", offset: 6, length: 4 }],
    });
    expect((await send(ANNA, "zwei")).message_id).toBe(2);
    expect((await send(GROUP, "in der Gruppe")).message_id).toBe(1);
    expect(fake.messages(ANNA).map((m) => m.text)).toEqual(["Hallo Anna", "zwei"]);
    expect(fake.lastBotMessage(GROUP)?.chat).toEqual({ id: GROUP, type: "supergroup", title: "Lotsen" });
  });

  it("enforces Telegram's text rules", async () => {
    expect((await fail("sendMessage", { chat_id: ANNA, text: " \n " })).description).toBe("Bad Request: message text is empty");
    expect((await fail("sendMessage", { chat_id: ANNA, text: "x".repeat(4097) })).description).toBe(
      "Bad Request: message is too long",
    );
    expect(await fail("sendMessage", { chat_id: ANNA, text: "<b>x", parse_mode: "HTML" })).toEqual({
      ok: false,
      error_code: 400,
      description: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    });
    expect((await fail("sendMessage", { chat_id: ANNA, text: "*x*", parse_mode: "MarkdownV2" })).description).toBe(
      "Bad Request: parse mode not supported by the fake",
    );
  });

  it("validates inline keyboards", async () => {
    const tooLong = { inline_keyboard: [[{ text: "x", callback_data: "ä".repeat(33) }]] };
    expect((await fail("sendMessage", { chat_id: ANNA, text: "x", reply_markup: tooLong })).description).toBe(
      "Bad Request: BUTTON_DATA_INVALID",
    );
    const exactly64 = { inline_keyboard: [[{ text: "x", callback_data: "ä".repeat(32) }]] };
    expect((await send(ANNA, "x", { reply_markup: exactly64 })).reply_markup).toEqual(exactly64);
    const buttons = (n: number) => ({ inline_keyboard: Array.from({ length: n }, (_, i) => [{ text: `b${i}`, callback_data: `b${i}` }]) });
    expect((await send(ANNA, "x", { reply_markup: buttons(100) })).reply_markup).toEqual(buttons(100));
    expect((await fail("sendMessage", { chat_id: ANNA, text: "x", reply_markup: buttons(101) })).description).toBe("Bad Request: reply markup is too long");
    const noAction = { inline_keyboard: [[{ text: "x" }]] };
    expect((await fail("sendMessage", { chat_id: ANNA, text: "x", reply_markup: noAction })).description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
    const emptyText = { inline_keyboard: [[{ text: "", callback_data: "a" }]] };
    expect((await fail("sendMessage", { chat_id: ANNA, text: "x", reply_markup: emptyText })).description).toBe(
      "Bad Request: BUTTON_TEXT_INVALID",
    );
  });

  it("accepts reply keyboards without putting them on the message", async () => {
    const message = await send(ANNA, "Wähle", { reply_markup: { keyboard: [["Ja", { text: "Nein" }]], resize_keyboard: true } });
    expect(message.reply_markup).toBeUndefined();
    expect((await send(ANNA, "weg", { reply_markup: { remove_keyboard: true } })).text).toBe("weg");
  });

  it("refuses chats it can't write to", async () => {
    expect(await fail("sendMessage", { chat_id: 424242, text: "x" })).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: chat not found",
    });
    fake.addUser({ id: 3003, first_name: "Neu", startedBot: false });
    expect(await fail("sendMessage", { chat_id: 3003, text: "x" })).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot can't initiate conversation with a user",
    });
    fake.addGroup({ id: GROUP, title: "Ohne Bot", botStatus: "left" });
    expect((await fail("sendMessage", { chat_id: GROUP, text: "x" })).description).toBe(
      "Forbidden: bot is not a member of the supergroup chat",
    );
  });

  it("answers 403 while a user has blocked the bot", async () => {
    const blocked = fake.userBlocksBot(ANNA);
    expect(blocked.my_chat_member?.new_chat_member.status).toBe("kicked");
    expect(await fail("sendMessage", { chat_id: ANNA, text: "x" })).toEqual({
      ok: false,
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    const unblocked = fake.userUnblocksBot(ANNA);
    expect(unblocked.my_chat_member?.old_chat_member.status).toBe("kicked");
    expect((await send(ANNA, "wieder da")).text).toBe("wieder da");
  });

  it("handles replies and reply_parameters errors", async () => {
    const question = fake.userSendsText(ANNA, "Frage?").message as Message;
    const answer = await send(ANNA, "Antwort", { reply_parameters: { message_id: question.message_id } });
    expect(answer.reply_to_message).toMatchObject({ message_id: question.message_id, text: "Frage?" });
    const nested = await send(ANNA, "noch eine", { reply_parameters: { message_id: answer.message_id } });
    expect(nested.reply_to_message?.reply_to_message).toBeUndefined();
    expect((await fail("sendMessage", { chat_id: ANNA, text: "x", reply_parameters: { message_id: 999 } })).description).toBe(
      "Bad Request: message to be replied not found",
    );
    const lenient = await send(ANNA, "x", { reply_parameters: { message_id: 999, allow_sending_without_reply: true } });
    expect(lenient.reply_to_message).toBeUndefined();
  });

  it("sends media with file ids and serves getFile", async () => {
    const upload = { fileData: Buffer.from("%PDF-1.4"), filename: "Merkblatt.pdf" };
    const doc = await ok<Message>("sendDocument", { chat_id: ANNA, document: upload, caption: "<i>Bitte lesen</i>", parse_mode: "HTML" });
    expect(doc.document).toMatchObject({ file_name: "Merkblatt.pdf", mime_type: "application/pdf", file_size: 8 });
    expect(doc.caption).toBe("Bitte lesen");
    expect(doc.caption_entities).toEqual([{ type: "italic", offset: 0, length: 11 }]);
    const again = await ok<Message>("sendDocument", { chat_id: BERND, document: doc.document?.file_id });
    expect(again.document?.file_id).toBe(doc.document?.file_id);
    const file = await ok<{ file_path: string }>("getFile", { file_id: doc.document?.file_id });
    expect(file.file_path).toMatch(/^documents\/file_\d+\.pdf$/);
    expect(fake.files.byFilePath(file.file_path)?.bytes).toEqual(Buffer.from("%PDF-1.4"));
    expect((await fail("sendPhoto", { chat_id: ANNA, photo: doc.document?.file_id })).description).toBe(
      "Bad Request: can't use file of type Document as Photo",
    );
    expect((await fail("sendPhoto", { chat_id: ANNA, photo: "garbage" })).description).toBe(
      "Bad Request: wrong file identifier/HTTP URL specified",
    );
    expect((await fail("getFile", { file_id: "garbage" })).description).toBe("Bad Request: invalid file_id");
    expect((await fail("sendPhoto", { chat_id: ANNA, photo: "https://example.org/a.jpg", caption: "x".repeat(1025) })).description).toBe(
      "Bad Request: message caption is too long",
    );
  });

  it("sends photos, voice, stickers and media groups", async () => {
    const photo = await ok<Message>("sendPhoto", { chat_id: ANNA, photo: "https://example.org/bild.jpg" });
    expect(photo.photo).toHaveLength(2);
    const voice = await ok<Message>("sendVoice", { chat_id: ANNA, voice: { fileData: new Uint8Array([1, 2]) }, duration: 4 });
    expect(voice.voice).toMatchObject({ duration: 4, mime_type: "audio/ogg" });
    const sticker = await ok<Message>("sendSticker", { chat_id: ANNA, sticker: { fileData: new Uint8Array([1]) }, emoji: "🎉" });
    expect(sticker.sticker).toMatchObject({ emoji: "🎉", type: "regular" });
    const group = await ok<Message[]>("sendMediaGroup", {
      chat_id: ANNA,
      media: [
        { type: "photo", media: photo.photo?.[1]?.file_id, caption: "eins" },
        { type: "photo", media: { fileData: Buffer.from("zwei") } },
      ],
    });
    expect(group.map((m) => m.message_id)).toEqual([4, 5]);
    expect(new Set(group.map((m) => m.media_group_id)).size).toBe(1);
    expect(group[0]?.caption).toBe("eins");
    expect((await fail("sendMediaGroup", { chat_id: ANNA, media: [{ type: "photo", media: "https://e.org/x.jpg" }] })).error_code).toBe(400);
  });
});

describe("editing and deleting", () => {
  it("edits text and markup and detects 'not modified'", async () => {
    const message = await send(ANNA, "Version 1", { reply_markup: keyboard(["Weiter", "next"]) });
    clock += 5000;
    const edited = await ok<Message>("editMessageText", {
      chat_id: ANNA,
      message_id: message.message_id,
      text: "<b>Version 2</b>",
      parse_mode: "HTML",
      reply_markup: keyboard(["Weiter", "next"]),
    });
    expect(edited).toMatchObject({ text: "Version 2", edit_date: clock / 1000, entities: [{ type: "bold", offset: 0, length: 9 }] });
    const same = await fail("editMessageText", {
      chat_id: ANNA,
      message_id: message.message_id,
      text: "<b>Version 2</b>",
      parse_mode: "HTML",
      reply_markup: keyboard(["Weiter", "next"]),
    });
    expect(same.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    // Same text without reply_markup removes the keyboard, so that is a modification.
    const withoutKeyboard = await ok<Message>("editMessageText", { chat_id: ANNA, message_id: message.message_id, text: "Version 2", entities: [{ type: "bold", offset: 0, length: 9 }] });
    expect(withoutKeyboard.reply_markup).toBeUndefined();
    const markup = await ok<Message>("editMessageReplyMarkup", { chat_id: ANNA, message_id: message.message_id, reply_markup: keyboard(["Neu", "new"]) });
    expect(markup.reply_markup).toEqual(keyboard(["Neu", "new"]));
    expect(fake.messages(ANNA)[0]?.reply_markup).toEqual(keyboard(["Neu", "new"]));
    expect((await fail("editMessageText", { chat_id: ANNA, message_id: 99, text: "x" })).description).toBe(
      "Bad Request: message to edit not found",
    );
  });

  it("refuses to edit users' messages and edits captions", async () => {
    const own = fake.userSendsText(ANNA, "meins").message as Message;
    expect((await fail("editMessageText", { chat_id: ANNA, message_id: own.message_id, text: "x" })).description).toBe(
      "Bad Request: message can't be edited",
    );
    const photo = await ok<Message>("sendPhoto", { chat_id: ANNA, photo: "https://example.org/a.jpg", caption: "alt" });
    const edited = await ok<Message>("editMessageCaption", { chat_id: ANNA, message_id: photo.message_id, caption: "neu" });
    expect(edited.caption).toBe("neu");
    expect((await fail("editMessageText", { chat_id: ANNA, message_id: photo.message_id, text: "x" })).description).toBe(
      "Bad Request: there is no text in the message to edit",
    );
    expect(await ok("editMessageText", { inline_message_id: "abc", text: "inline" })).toBe(true);
  });

  it("deletes messages", async () => {
    const message = await send(ANNA, "weg damit");
    expect(await ok("deleteMessage", { chat_id: ANNA, message_id: message.message_id })).toBe(true);
    expect(fake.messages(ANNA)).toEqual([]);
    expect((await fail("deleteMessage", { chat_id: ANNA, message_id: message.message_id })).description).toBe(
      "Bad Request: message to delete not found",
    );
    fake.addGroup({ id: GROUP, title: "G", members: [{ user: BERND, status: "member" }] });
    const userMessage = fake.userSendsText(BERND, "spam", { chatId: GROUP }).message as Message;
    expect((await fail("deleteMessage", { chat_id: GROUP, message_id: userMessage.message_id })).description).toBe(
      "Bad Request: message can't be deleted",
    );
  });

  it("copies and forwards known messages", async () => {
    const original = fake.userSendsText(ANNA, "Bitte weiterleiten: https://example.org").message as Message;
    const copy = await ok<{ message_id: number }>("copyMessage", { chat_id: BERND, from_chat_id: ANNA, message_id: original.message_id });
    expect(copy).toEqual({ message_id: 1 });
    expect(fake.messages(BERND)[0]).toMatchObject({ text: original.text, entities: original.entities, from: { id: fake.botUser.id } });
    expect((await fail("copyMessage", { chat_id: BERND, from_chat_id: ANNA, message_id: 77 })).description).toBe(
      "Bad Request: message to copy not found",
    );
    const forwarded = await ok<Message>("forwardMessage", { chat_id: BERND, from_chat_id: ANNA, message_id: original.message_id });
    expect(forwarded.forward_origin).toEqual({ type: "user", sender_user: original.from, date: original.date });
    const photo = fake.userSendsPhoto(ANNA, { caption: "Foto" }).message as Message;
    const copies = await ok<Array<{ message_id: number }>>("copyMessages", {
      chat_id: BERND,
      from_chat_id: ANNA,
      message_ids: [original.message_id, photo.message_id],
      remove_caption: true,
    });
    expect(copies).toHaveLength(2);
    expect(fake.messages(BERND).at(-1)).toMatchObject({ photo: photo.photo });
    expect(fake.messages(BERND).at(-1)?.caption).toBeUndefined();
  });
});

describe("callback queries", () => {
  it("creates callback queries from button clicks and answers them once", async () => {
    const message = await send(ANNA, "Mitmachen?", { reply_markup: keyboard(["Ja", "join:yes"], ["Nein", "join:no"]) });
    const update = fake.userClicksButton(ANNA, message, "Ja");
    expect(update.callback_query).toMatchObject({
      from: { id: ANNA },
      data: "join:yes",
      message: { message_id: message.message_id, text: "Mitmachen?" },
    });
    expect(typeof update.callback_query?.chat_instance).toBe("string");
    const byData = fake.userClicksButton(ANNA, { chatId: ANNA, messageId: message.message_id }, "join:no");
    expect(byData.callback_query?.data).toBe("join:no");
    const id = update.callback_query?.id;
    expect((await fail("answerCallbackQuery", { callback_query_id: id, text: "x".repeat(201) })).description).toBe(
      "Bad Request: MESSAGE_TOO_LONG",
    );
    expect(await ok("answerCallbackQuery", { callback_query_id: id, text: "Danke!" })).toBe(true);
    expect(fake.callbackAnswer(id ?? "")).toEqual({ text: "Danke!" });
    const again = await fail("answerCallbackQuery", { callback_query_id: id });
    expect(again.description).toBe("Bad Request: query is too old and response timeout expired or query ID is invalid");
    expect((await fail("answerCallbackQuery", { callback_query_id: "123" })).error_code).toBe(400);
    expect(() => fake.userClicksButton(ANNA, message, "Vielleicht")).toThrow(/no callback button "Vielleicht"/);
  });

  it("delivers forged callback data from a message with an inline keyboard", async () => {
    const message = await send(ANNA, "Mitmachen?", { reply_markup: keyboard(["Ja", "join:yes"]) });
    const update = fake.userSendsCallbackData(ANNA, message, "admin:delete:1");
    expect(update.callback_query).toMatchObject({ from: { id: ANNA }, data: "admin:delete:1", message: { message_id: message.message_id } });
    expect(update.callback_query?.chat_instance).toBe(fake.userClicksButton(ANNA, message, "Ja").callback_query?.chat_instance);
    expect(await ok("answerCallbackQuery", { callback_query_id: update.callback_query?.id, text: "Nein." })).toBe(true);
    const plain = await send(ANNA, "Ohne Knöpfe");
    expect(() => fake.userSendsCallbackData(ANNA, plain, "x")).toThrow(/no inline keyboard/);
  });

  it("answers inline queries", async () => {
    const update = fake.userSendsInlineQuery(ANNA, "lotse");
    const id = update.inline_query?.id ?? "";
    const results = [{ type: "article", id: "1", title: "A", input_message_content: { message_text: "a" } }];
    expect(await ok("answerInlineQuery", { inline_query_id: id, results })).toBe(true);
    expect(fake.inlineQueryResults(id)).toEqual(results);
    expect((await fail("answerInlineQuery", { inline_query_id: id, results })).error_code).toBe(400);
  });

  it("rejects inline results whose message text is bad HTML, and answers nothing then", async () => {
    const id = fake.userSendsInlineQuery(ANNA, "x").inline_query?.id ?? "";
    const bad = [{ type: "article", id: "1", title: "A", input_message_content: { message_text: "<b>A & B", parse_mode: "HTML" } }];
    expect((await fail("answerInlineQuery", { inline_query_id: id, results: bad })).description).toMatch(/can't parse entities/);
    expect(fake.inlineQueryResults(id)).toBeUndefined();
    const good = [{ type: "article", id: "1", title: "A", input_message_content: { message_text: "<b>A &amp; B</b>", parse_mode: "HTML" } }];
    expect(await ok("answerInlineQuery", { inline_query_id: id, results: good })).toBe(true);
  });
});

describe("commands and bot profile", () => {
  it("stores commands per scope and language", async () => {
    const commands = [{ command: "start", description: "Starten" }, { command: "hilfe", description: "Hilfe anzeigen" }];
    expect(await ok("setMyCommands", { commands })).toBe(true);
    const adminScope = { type: "chat_administrators", chat_id: GROUP };
    await ok("setMyCommands", { commands: [{ command: "admin", description: "Verwaltung" }], scope: adminScope, language_code: "de" });
    expect(await ok("getMyCommands")).toEqual(commands);
    expect(fake.commands()).toEqual(commands);
    expect(fake.commands({ chat_id: GROUP, type: "chat_administrators" }, "de")).toEqual([{ command: "admin", description: "Verwaltung" }]);
    expect(fake.commands(adminScope)).toEqual([]);
    await ok("deleteMyCommands", { scope: adminScope, language_code: "de" });
    expect(fake.commands(adminScope, "de")).toEqual([]);
    expect((await fail("setMyCommands", { commands: [{ command: "Start", description: "x" }] })).description).toBe(
      "Bad Request: BOT_COMMAND_INVALID",
    );
    expect((await fail("setMyCommands", { commands: [{ command: "start", description: "" }] })).description).toBe(
      "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
    );
  });

  it("stores descriptions, names and the menu button", async () => {
    await ok("setMyDescription", { description: "Ich verbinde Ehrenamtliche", language_code: "de" });
    await ok("setMyShortDescription", { short_description: "Lotsenbot" });
    await ok("setMyName", { name: "Lotsenbot Oberallgäu" });
    expect(await ok("getMyDescription", { language_code: "de" })).toEqual({ description: "Ich verbinde Ehrenamtliche" });
    expect(await ok("getMyShortDescription")).toEqual({ short_description: "Lotsenbot" });
    expect(await ok("getMyName")).toEqual({ name: "Lotsenbot Oberallgäu" });
    await ok("setChatMenuButton", { menu_button: { type: "commands" } });
    expect(await ok("getChatMenuButton", { chat_id: ANNA })).toEqual({ type: "commands" });
  });
});

describe("groups, members and forum topics", () => {
  beforeEach(() => {
    fake.addGroup({
      id: FORUM,
      title: "Lotsen-Forum",
      isForum: true,
      botStatus: "administrator",
      members: [
        { user: ANNA, status: "creator" },
        { user: BERND, status: "member" },
      ],
    });
  });

  it("reports chats and members", async () => {
    expect(await ok("getChat", { chat_id: FORUM })).toMatchObject({ id: FORUM, type: "supergroup", title: "Lotsen-Forum", is_forum: true });
    expect(await ok("getChatMember", { chat_id: FORUM, user_id: ANNA })).toMatchObject({ status: "creator", user: { id: ANNA } });
    expect(await ok("getChatMember", { chat_id: FORUM, user_id: BERND })).toMatchObject({ status: "member" });
    fake.addUser({ id: 5005, first_name: "Fremd" });
    expect(await ok("getChatMember", { chat_id: FORUM, user_id: 5005 })).toMatchObject({ status: "left" });
    expect(await ok("getChatMember", { chat_id: ANNA, user_id: ANNA })).toMatchObject({ status: "member" });
    expect(await ok("getChatMember", { chat_id: FORUM, user_id: fake.botUser.id })).toMatchObject({
      status: "administrator",
      can_manage_topics: true,
    });
    const admins = await ok<Array<{ user: { id: number } }>>("getChatAdministrators", { chat_id: FORUM });
    expect(admins.map((a) => a.user.id)).toEqual([ANNA, fake.botUser.id]);
    expect(await ok("getChatMemberCount", { chat_id: FORUM })).toBe(3);
  });

  it("creates topics and sends into them", async () => {
    const topic = await ok<{ message_thread_id: number; name: string; icon_color: number }>("createForumTopic", {
      chat_id: FORUM,
      name: "Wohnen",
    });
    expect(topic).toEqual({ message_thread_id: 1, name: "Wohnen", icon_color: 7322096 });
    const message = await send(FORUM, "Willkommen im Thema", { message_thread_id: topic.message_thread_id });
    expect(message).toMatchObject({
      message_id: 2,
      message_thread_id: 1,
      is_topic_message: true,
      reply_to_message: { message_id: 1, forum_topic_created: { name: "Wohnen", icon_color: 7322096 } },
    });
    const userPost = fake.userSendsText(BERND, "Frage zum Wohnen", { chatId: FORUM, messageThreadId: 1 }).message as Message;
    expect(userPost).toMatchObject({ message_thread_id: 1, is_topic_message: true });
    const reply = await send(FORUM, "Antwort", { reply_parameters: { message_id: userPost.message_id } });
    expect(reply.message_thread_id).toBe(1);
    expect(await ok("editForumTopic", { chat_id: FORUM, message_thread_id: 1, name: "Wohnen & Leben" })).toBe(true);
    expect(await ok("closeForumTopic", { chat_id: FORUM, message_thread_id: 1 })).toBe(true);
    expect(fake.topics(FORUM)).toEqual([{ message_thread_id: 1, name: "Wohnen & Leben", icon_color: 7322096, closed: true }]);
    expect(await ok("reopenForumTopic", { chat_id: FORUM, message_thread_id: 1 })).toBe(true);
    expect(await ok("deleteForumTopic", { chat_id: FORUM, message_thread_id: 1 })).toBe(true);
    expect((await fail("sendMessage", { chat_id: FORUM, text: "x", message_thread_id: 1 })).description).toBe(
      "Bad Request: message thread not found",
    );
    expect(fake.messages(FORUM)).toEqual([]);
  });

  it("refuses topics without a forum or rights", async () => {
    fake.addGroup({ id: GROUP, title: "Normal", botStatus: "administrator" });
    expect((await fail("createForumTopic", { chat_id: GROUP, name: "x" })).description).toBe("Bad Request: the chat is not a forum");
    fake.setBotStatus(FORUM, "member");
    expect((await fail("createForumTopic", { chat_id: FORUM, name: "x" })).description).toBe(
      "Bad Request: not enough rights to create a topic",
    );
    fake.setBotStatus(FORUM, "administrator", { canManageTopics: false });
    expect((await fail("createForumTopic", { chat_id: FORUM, name: "x" })).description).toBe(
      "Bad Request: not enough rights to create a topic",
    );
  });

  it("reports group membership changes as updates", () => {
    fake.addGroup({ id: GROUP, title: "Neu", botStatus: "left" });
    const added = fake.botAddedToGroup(GROUP, ANNA, "administrator");
    expect(added.my_chat_member).toMatchObject({
      chat: { id: GROUP },
      from: { id: ANNA },
      old_chat_member: { status: "left" },
      new_chat_member: { status: "administrator", user: { id: fake.botUser.id } },
    });
    const joined = fake.userJoinsGroup(BERND, GROUP);
    expect(joined.message?.new_chat_members?.[0]?.id).toBe(BERND);
    const left = fake.userLeavesGroup(BERND, GROUP);
    expect(left.message?.left_chat_member?.id).toBe(BERND);
    const removed = fake.botRemovedFromGroup(GROUP, ANNA);
    expect(removed.my_chat_member?.new_chat_member.status).toBe("kicked");
  });

  it("answers migrated groups with migrate_to_chat_id", async () => {
    const oldId = -4001;
    fake.addGroup({ id: oldId, title: "Alt", type: "group", members: [{ user: ANNA, status: "creator" }] });
    fake.migrateGroup(oldId, GROUP);
    expect(await fail("sendMessage", { chat_id: oldId, text: "x" })).toEqual({
      ok: false,
      error_code: 400,
      description: "Bad Request: group chat was upgraded to a supergroup chat",
      parameters: { migrate_to_chat_id: GROUP },
    });
    expect((await send(GROUP, "neu hier")).chat.type).toBe("supergroup");
  });

  it("supports privacy mode for group messages", () => {
    const privateBot = new FakeTelegram({ token: TOKEN, privacyMode: true });
    privateBot.addUser({ id: ANNA, first_name: "Anna" });
    privateBot.addGroup({ id: GROUP, title: "G", members: [{ user: ANNA, status: "member" }] });
    privateBot.userSendsText(ANNA, "Plauderei", { chatId: GROUP });
    privateBot.userSendsText(ANNA, "/hilfe@lotsenbot_test_bot", { chatId: GROUP });
    expect(privateBot.pendingUpdates().map((u) => u.message?.text)).toEqual(["/hilfe@lotsenbot_test_bot"]);
    expect(privateBot.botInfo.can_read_all_group_messages).toBe(false);
  });
});

describe("simulated users", () => {
  it("produces realistic updates with increasing ids", () => {
    fake.addGroup({ id: GROUP, title: "G" });
    const start = fake.userSendsCommand(ANNA, "start", "ref_42");
    expect(start).toEqual({
      update_id: 100000,
      message: {
        message_id: 1,
        from: { id: ANNA, is_bot: false, first_name: "Anna", username: "anna_lotsin", language_code: "de" },
        chat: { id: ANNA, type: "private", first_name: "Anna", username: "anna_lotsin" },
        date: clock / 1000,
        text: "/start ref_42",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    });
    const inGroup = fake.userSendsCommand(BERND, "hilfe", undefined, { chatId: GROUP, mention: true });
    expect(inGroup.update_id).toBe(100001);
    expect(inGroup.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 25 }]);
    const doc = fake.userSendsDocument(ANNA, { fileName: "Ausweis.pdf", mimeType: "application/pdf", bytes: Buffer.from("PDF") });
    expect(doc.message?.document).toMatchObject({ file_name: "Ausweis.pdf", mime_type: "application/pdf", file_size: 3 });
    expect(fake.userSendsVoice(ANNA).message?.voice?.duration).toBe(3);
    expect(fake.userSendsSticker(ANNA, { emoji: "🙂" }).message?.sticker?.emoji).toBe("🙂");
    const photo = fake.userSendsPhoto(ANNA, { caption: "Mein Foto #lotsen", mediaGroupId: "77" }).message as Message;
    expect(photo.caption_entities).toEqual([{ type: "hashtag", offset: 10, length: 7 }]);
    expect(photo.media_group_id).toBe("77");
    const edited = fake.userEditsMessage(ANNA, ANNA, 1, "/start anders");
    expect(edited.edited_message).toMatchObject({ message_id: 1, text: "/start anders", edit_date: clock / 1000 });
    expect(fake.pendingUpdateCount()).toBe(7);
    expect(() => fake.userSendsText(9999, "wer?")).toThrow(/unknown user 9999/);
  });

  it("emits update events", () => {
    const seen: Update[] = [];
    fake.on("update", (update: Update) => seen.push(update));
    const update = fake.userSendsText(ANNA, "hallo");
    expect(seen).toEqual([update]);
  });
});

describe("getUpdates", () => {
  it("confirms updates by offset and keeps unconfirmed ones", async () => {
    fake.userSendsText(ANNA, "eins");
    fake.userSendsText(ANNA, "zwei");
    fake.userSendsText(ANNA, "drei");
    const first = await ok<Update[]>("getUpdates", { limit: 2 });
    expect(first.map((u) => u.message?.text)).toEqual(["eins", "zwei"]);
    expect(fake.pendingUpdateCount()).toBe(3);
    const rest = await ok<Update[]>("getUpdates", { offset: (first[1]?.update_id ?? 0) + 1 });
    expect(rest.map((u) => u.message?.text)).toEqual(["drei"]);
    expect(fake.pendingUpdateCount()).toBe(1);
    expect(fake.confirmedOffset).toBe(100002);
    await ok("getUpdates", { offset: -1 });
    expect(fake.pendingUpdateCount()).toBe(1);
  });

  it("filters by allowed_updates and leaves chat_member out by default", async () => {
    fake.addGroup({ id: GROUP, title: "G", botStatus: "administrator" });
    fake.userJoinsGroup(BERND, GROUP);
    const updates = await ok<Update[]>("getUpdates", {});
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(["message"]);
    fake.userSendsText(ANNA, "text");
    fake.userClicksButton(ANNA, await send(ANNA, "k", { reply_markup: keyboard(["a", "a"]) }), "a");
    const onlyCallbacks = await ok<Update[]>("getUpdates", { offset: (updates[0]?.update_id ?? 0) + 1, allowed_updates: ["callback_query"] });
    expect(onlyCallbacks.map((u) => Object.keys(u)[1])).toEqual(["callback_query"]);
  });

  it("waits for updates during a long poll", async () => {
    const poll = fake.handle("getUpdates", { timeout: 5 });
    await fake.waitForCall((call) => call.method === "getUpdates" && call.state === "waiting");
    fake.userSendsText(ANNA, "während des Wartens");
    const response = await poll;
    expect(response.ok && (response.result as Update[])[0]?.message?.text).toBe("während des Wartens");
  });

  it("terminates an older poll with 409 when a new one starts", async () => {
    const older = fake.handle("getUpdates", { timeout: 5 });
    await fake.waitForCall((call) => call.state === "waiting");
    const newer = fake.handle("getUpdates", { timeout: 0 });
    expect(await older).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    });
    expect((await newer).ok).toBe(true);
  });

  it("ends a long poll when its signal aborts without losing updates", async () => {
    const controller = new AbortController();
    const poll = fake.handle("getUpdates", { timeout: 30 }, { signal: controller.signal });
    controller.abort();
    expect(await poll).toEqual({ ok: true, result: [] });
    fake.userSendsText(ANNA, "noch da");
    expect(((await ok<Update[]>("getUpdates", {})) ?? []).length).toBe(1);
  });

  it("conflicts with an active webhook", async () => {
    expect(await fake.handle("setWebhook", { url: "http://127.0.0.1:9/hook", secret_token: "geheim" })).toEqual({
      ok: true,
      result: true,
      description: "Webhook was set",
    });
    expect(await fail("getUpdates", {})).toEqual({
      ok: false,
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    fake.userSendsText(ANNA, "x");
    expect(await ok("getWebhookInfo")).toMatchObject({ url: "http://127.0.0.1:9/hook", pending_update_count: 1 });
    expect((await fake.handle("setWebhook", { url: "" })).ok).toBe(true);
    expect(await ok("getWebhookInfo")).toMatchObject({ url: "", pending_update_count: 1 });
    await ok("deleteWebhook", { drop_pending_updates: true });
    expect(fake.pendingUpdateCount()).toBe(0);
    expect((await fail("setWebhook", { url: "http://x.org", secret_token: "ä" })).description).toBe(
      "Bad Request: secret token contains unallowed characters",
    );
  });
});

describe("fault injection and flood limits", () => {
  it("fails the next matching calls", async () => {
    fake.failNext("sendMessage", { error_code: 502, description: "Bad Gateway", times: 2, when: (p) => p.chat_id === ANNA });
    expect((await fake.handle("sendMessage", { chat_id: BERND, text: "x" })).ok).toBe(true);
    expect(await fail("sendMessage", { chat_id: ANNA, text: "x" })).toEqual({ ok: false, error_code: 502, description: "Bad Gateway" });
    expect((await fail("sendMessage", { chat_id: ANNA, text: "x" })).error_code).toBe(502);
    expect((await send(ANNA, "x")).text).toBe("x");
    fake.failNext("*", { error_code: 500, description: "Internal Server Error" });
    expect((await fail("getMe")).error_code).toBe(500);
    fake.failNext("getMe", { error_code: 500, description: "Internal Server Error", times: Infinity });
    fake.clearFaults();
    expect(await ok("getMe")).toBeTruthy();
  });

  it("hangs calls until released", async () => {
    fake.hang("sendMessage", (p) => p.text === "hängt");
    let settled = false;
    const hanging = fake.handle("sendMessage", { chat_id: ANNA, text: "hängt" }).then((r) => {
      settled = true;
      return r;
    });
    expect((await send(ANNA, "läuft")).message_id).toBe(1);
    const waiting = await fake.waitForCall((call) => call.state === "waiting");
    expect(waiting.params.text).toBe("hängt");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(fake.releaseHangs()).toBe(1);
    const result = await hanging;
    expect(result.ok && (result.result as Message).message_id).toBe(2);
  });

  it("applies per-chat flood limits with retry_after", async () => {
    fake.setRateLimits({ perChatPerSecond: 2, retryAfter: 3 });
    await send(ANNA, "1");
    await send(ANNA, "2");
    expect(await fail("sendMessage", { chat_id: ANNA, text: "3" })).toEqual({
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 3",
      parameters: { retry_after: 3 },
    });
    await send(BERND, "anderer Chat");
    clock += 1001;
    await send(ANNA, "3");
  });

  it("applies group-per-minute and global limits", async () => {
    fake.addGroup({ id: GROUP, title: "G" });
    fake.setRateLimits({ perGroupPerMinute: 2 });
    await send(GROUP, "1");
    clock += 20_500;
    await send(GROUP, "2");
    // The window is a true sliding minute, and retry_after says when it has room again: the first
    // message leaves it 60 s after it was sent, 39.5 s from now (rounded up to whole seconds).
    expect((await fail("sendMessage", { chat_id: GROUP, text: "3" })).parameters).toEqual({ retry_after: 40 });
    clock += 39_000;
    expect((await fail("editMessageText", { chat_id: GROUP, message_id: 1, text: "edits count" })).parameters).toEqual({ retry_after: 1 });
    clock += 500;
    await send(GROUP, "3");
    expect((await fail("sendMessage", { chat_id: GROUP, text: "4" })).parameters).toEqual({ retry_after: 21 });
    await send(ANNA, "privat ist frei");
    fake.setRateLimits({ globalPerSecond: 1 });
    await send(ANNA, "a");
    expect((await fail("sendMessage", { chat_id: BERND, text: "b" })).error_code).toBe(429);
    fake.setRateLimits({});
    await send(BERND, "b");
  });
});

describe("waiting helpers", () => {
  it("waitForCall resolves for past and future calls and explains timeouts", async () => {
    await send(ANNA, "vorher");
    expect((await fake.waitForCall("sendMessage")).params.text).toBe("vorher");
    const future = fake.waitForCall((call) => call.method === "sendMessage" && call.params.text === "später");
    setTimeout(() => void send(ANNA, "später"), 5);
    expect((await future).response?.ok).toBe(true);
    await expect(fake.waitForCall("deleteMessage", { timeoutMs: 20 })).rejects.toThrow(
      /waitForCall timed out waiting for deleteMessage\. Recent calls:\n {2}sendMessage/,
    );
  });

  it("waitForBotMessage sees new messages and edits", async () => {
    const sent = await send(ANNA, "Bitte warten…");
    const done = fake.waitForBotMessage(ANNA, (m) => m.text === "Fertig");
    setTimeout(() => void fake.handle("editMessageText", { chat_id: ANNA, message_id: sent.message_id, text: "Fertig" }), 5);
    expect((await done).message_id).toBe(sent.message_id);
    const next = fake.waitForBotMessage(ANNA, undefined, { afterMessageId: sent.message_id });
    setTimeout(() => void send(ANNA, "Neu"), 5);
    expect((await next).text).toBe("Neu");
    await expect(fake.waitForBotMessage(BERND, undefined, { timeoutMs: 20 })).rejects.toThrow(/waitForBotMessage\(1002\) timed out/);
  });
});

describe("saving and loading the world (the sandbox keeps it across restarts)", () => {
  it("restores users, chats, topics, messages and files, and update ids go on", async () => {
    const fake = new FakeTelegram({ token: "123456:AAworld-snapshot-test-token-000" });
    fake.addUser({ id: 501, first_name: "Anna", language_code: "de" });
    fake.addGroup({ id: -100501, title: "Team", isForum: true, botStatus: "administrator", members: [{ user: 501, status: "creator" }] });
    const topic = ((await fake.handle("createForumTopic", { chat_id: -100501, name: "#1 · Frage" })) as { result: unknown }).result as { message_thread_id: number };
    await fake.handle("sendMessage", { chat_id: -100501, message_thread_id: topic.message_thread_id, text: "<b>Hallo</b>", parse_mode: "HTML" });
    const upload = { fileData: Buffer.from("{\"a\":1}"), filename: "daten.json" };
    const sent = ((await fake.handle("sendDocument", { chat_id: 501, document: upload })) as { result: unknown }).result as Message;
    const last = fake.userSendsText(501, "Danke");

    const saved = JSON.parse(JSON.stringify(fake.saveWorld())) as ReturnType<FakeTelegram["saveWorld"]>;
    const copy = new FakeTelegram({ token: fake.token, firstUpdateId: saved.nextUpdateId });
    copy.loadWorld(saved);

    expect(copy.user(501)).toEqual(fake.user(501));
    expect(copy.messages(501)).toEqual(fake.messages(501));
    expect(copy.messages(-100501)).toEqual(fake.messages(-100501));
    expect(copy.topics(-100501)).toEqual(fake.topics(-100501));
    expect(Buffer.from(copy.files.get(sent.document!.file_id)!.bytes!).toString()).toBe("{\"a\":1}");
    const next = copy.userSendsText(501, "Noch was");
    expect(next.update_id).toBe(last.update_id + 1);
    expect(next.message!.message_id).toBe(last.message!.message_id + 1);
    // The restored topic still takes messages.
    expect((await copy.handle("sendMessage", { chat_id: -100501, message_thread_id: topic.message_thread_id, text: "weiter" })).ok).toBe(true);
  });
});
