/**
 * Fake Telegram Bot API for tests.
 *
 * In-process (flow tests):
 *
 *   const fake = new FakeTelegram({ token });
 *   fake.addUser({ id: 1001, first_name: "Anna" });
 *   bot.api.config.use(fake.transformer());
 *   await bot.handleUpdate(fake.userSendsCommand(1001, "start"));
 *   expect(fake.lastBotMessage(1001)?.text).toContain("Willkommen");
 *
 * Over HTTP (end-to-end tests with the real bot process):
 *
 *   const server = await startFakeTelegramServer(fake);
 *   // start the bot with TELEGRAM_API_ROOT=server.url
 *   await fake.waitForCall((call) => call.method === "getUpdates" && call.state === "waiting");
 *   fake.userSendsText(1001, "Hallo");
 *   await fake.waitForBotMessage(1001, (m) => m.text === "…");
 *   await server.close();
 */
export { FakeTelegram } from "./fake-telegram.js";
export type {
  AddGroupOptions,
  AddUserOptions,
  CallbackAnswer,
  FakeCall,
  FakeTelegramOptions,
  FailNextOptions,
  HandleOptions,
  InlineQueryOptions,
  MemberStatus,
  MessageRef,
  RateLimits,
  UserCommandOptions,
  UserDocumentOptions,
  UserMessageOptions,
  UserPhotoOptions,
  UserStickerOptions,
  UserTextOptions,
  UserVoiceOptions,
  WaitOptions,
  WebhookDeliveryOptions,
  WebhookDeliveryResult,
  WorldSnapshot,
} from "./fake-telegram.js";
export { startFakeTelegramServer, type FakeTelegramServer, type ServerOptions } from "./server.js";
export { ApiError, type ApiFailure, type ApiResult, type ApiSuccess, type ResponseParameters } from "./errors.js";
export { parseHtml, type ParsedText } from "./html.js";
export { detectEntities, formatCaption, formatMessageText, formatText } from "./text.js";
export { canonicalMethodName, loadSpec, validateCall } from "./spec.js";
export { UploadedFile } from "./files.js";
