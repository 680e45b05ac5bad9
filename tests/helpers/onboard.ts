import type { FlowHarness } from "./flow.js";

/** Takes a person through consent and onboarding (skipping municipalities) in their language. */
export async function onboard(h: FlowHarness, userId: number): Promise<void> {
  await h.handle(h.fake.userSendsCommand(userId, "start"));
  const consent = h.fake.lastBotMessage(userId)!;
  const accept = consent.reply_markup!.inline_keyboard[0]![0]!.text;
  await h.handle(h.fake.userClicksButton(userId, consent, accept));
  let step = h.fake.lastBotMessage(userId)!;
  if (step.reply_markup?.inline_keyboard.flat().some((b) => "callback_data" in b && b.callback_data.startsWith("lang:"))) {
    const code = h.fake.user(userId)?.language_code === "de" ? "Deutsch" : "English";
    await h.handle(h.fake.userClicksButton(userId, step, code));
    step = h.fake.lastBotMessage(userId)!;
  }
  const finish = step.reply_markup!.inline_keyboard.at(-1)!.at(-1)!.text;
  await h.handle(h.fake.userClicksButton(userId, step, finish));
}
