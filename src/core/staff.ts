import type { Composer, MiddlewareFn } from "grammy";
import type { BotContext } from "./context.js";

export type StaffRole = "admin" | "staff" | "none";

/** The part of Telegram's ChatMember that decides the role. */
export interface MemberInfo {
  status: string;
  /** Only for "restricted": whether the person is still in the chat. */
  is_member?: boolean;
}

export interface StaffDirectoryOptions {
  staffChatId: number | undefined;
  ttlMs: number;
  now: () => number;
  /** Asks Telegram for a member's status in the staff chat (getChatMember). */
  memberStatus: (chatId: number, userId: number) => Promise<MemberInfo>;
  onLookupError?: (error: unknown, userId: number) => void;
}

/**
 * Staff are the members of the staff chat, its administrators are admins. Answers are cached
 * for a few minutes, so not every update costs a getChatMember call.
 */
export class StaffDirectory {
  private readonly cache = new Map<number, { role: StaffRole; until: number }>();

  constructor(private readonly options: StaffDirectoryOptions) {}

  async roleOf(userId: number): Promise<StaffRole> {
    const chatId = this.options.staffChatId;
    if (chatId === undefined) return "none";
    const now = this.options.now();
    const cached = this.cache.get(userId);
    if (cached && cached.until > now) return cached.role;
    let member: MemberInfo;
    try {
      member = await this.options.memberStatus(chatId, userId);
    } catch (error) {
      this.options.onLookupError?.(error, userId);
      return "none";
    }
    const role = roleOf(member);
    this.cache.set(userId, { role, until: now + this.options.ttlMs });
    return role;
  }

  forget(userId: number): void {
    this.cache.delete(userId);
  }
}

export function roleOf(member: MemberInfo): StaffRole {
  if (member.status === "creator" || member.status === "administrator") return "admin";
  if (member.status === "member") return "staff";
  // Telegram keeps "restricted" for people who have left; only those still in count.
  if (member.status === "restricted" && member.is_member === true) return "staff";
  return "none";
}

/** Is the sender staff? (No answer to anyone: for handlers that let others through.) */
export async function isStaff(ctx: BotContext): Promise<boolean> {
  return (await ctx.staffRole()) !== "none";
}

/**
 * The one staff check: true for staff; anyone else is told politely that this is for the team
 * (an alert on a button, a reply to a message) and false comes back.
 */
export async function requireStaff(ctx: BotContext): Promise<boolean> {
  if (await isStaff(ctx)) return true;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: ctx.t("staff.onlyStaff"), show_alert: true });
  else await ctx.reply(ctx.t("staff.onlyStaff"));
  return false;
}

/** Middleware form of `requireStaff`: `composer.command("offen", staffOnly, handler)`. */
export const staffOnly: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (await requireStaff(ctx)) await next();
};

/**
 * Where staff commands are answered: the staff group and private chats (where `staffOnly` turns
 * away everyone but staff). In any other group they stay silent: a staff member typing one in a
 * helper circle's group must not post the team's figures there.
 */
export function staffArea<C extends BotContext>(composer: Composer<C>, staffChatId: number | undefined): Composer<C> {
  return composer.filter((ctx) => ctx.chat?.type === "private" || (staffChatId !== undefined && ctx.chat?.id === staffChatId));
}

/** Only the staff group itself (nothing when there is none). */
export function staffGroup<C extends BotContext>(composer: Composer<C>, staffChatId: number | undefined): Composer<C> {
  return composer.filter((ctx) => staffChatId !== undefined && ctx.chat?.id === staffChatId);
}
