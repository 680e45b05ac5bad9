import { GrammyError } from "grammy";

/** Telegram refuses an edit that changes nothing; for us that is success. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes("message is not modified");
}

/** The user blocked the bot, deleted their account or never started it. */
export function isUnreachableUser(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 403;
}

export async function ignoreNotModified(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (!isNotModified(error)) throw error;
  }
}
