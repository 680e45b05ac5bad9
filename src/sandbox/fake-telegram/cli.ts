/**
 * Standalone fake Telegram for manual sandbox runs:
 *
 *   npm run fake-telegram -- --port 8081 --token 123456:fake-token
 *
 * Start the bot with TELEGRAM_API_ROOT=<printed url> and the same token.
 * Every call is logged on one line. Lines typed on stdin are sent to the bot
 * as the sandbox user (id 100001); `:help` lists the other commands.
 */
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { FakeTelegram, type FakeCall } from "./fake-telegram.js";
import { startFakeTelegramServer } from "./server.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8081" },
    host: { type: "string", default: "127.0.0.1" },
    token: { type: "string", default: "123456:fake-token" },
  },
});

const fake = new FakeTelegram({ token: values.token ?? "123456:fake-token" });
const user = fake.addUser({ id: 100001, first_name: "Sandbox", username: "sandbox_user", language_code: "de" });

function describe(call: FakeCall): string {
  const params = JSON.stringify(call.params);
  const response = call.response?.ok ? "ok" : `${call.response?.error_code} ${call.response?.description}`;
  const shortParams = params.length > 200 ? `${params.slice(0, 197)}...` : params;
  return `${new Date(call.at).toISOString()} ${call.method} ${shortParams} -> ${response}`;
}

fake.on("call", (call: FakeCall) => console.log(describe(call)));
fake.on("update", (update: { update_id: number }) => {
  console.log(`update ${update.update_id} queued: ${JSON.stringify(update)}`);
});

const server = await startFakeTelegramServer(fake, { port: Number(values.port), host: values.host });
console.log(`Fake Telegram listening on ${server.url}`);
console.log(`token ${fake.token}, bot @${fake.botUser.username}, sandbox user ${user.id}`);
console.log(`Set TELEGRAM_API_ROOT=${server.url}; type a message (or :help)`);

const HELP = `  <text>                      send <text> as the sandbox user (/commands work)
  :click <messageId> <button> press an inline button (text or callback_data)
  :block / :unblock           block or unblock the bot
  :messages                   show the chat as it is now`;

function runLine(line: string): void {
  const [command = "", ...rest] = line.trim().split(" ");
  switch (command) {
    case "":
      return;
    case ":help":
      return console.log(HELP);
    case ":click":
      fake.userClicksButton(user.id, { chatId: user.id, messageId: Number(rest[0]) }, rest.slice(1).join(" "));
      return;
    case ":block":
      fake.userBlocksBot(user.id);
      return;
    case ":unblock":
      fake.userUnblocksBot(user.id);
      return;
    case ":messages":
      for (const message of fake.messages(user.id)) {
        const who = message.from?.is_bot ? "bot " : "user";
        console.log(`  #${message.message_id} ${who} ${message.text ?? message.caption ?? "(media)"}`);
      }
      return;
    default:
      fake.userSendsText(user.id, line.trim());
  }
}

const input = createInterface({ input: process.stdin });
input.on("line", (line) => {
  try {
    runLine(line);
  } catch (error) {
    console.log(error instanceof Error ? error.message : String(error));
  }
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    input.close();
    void server.close().then(() => process.exit(0));
  });
}
