/**
 * Fault injection (scripted errors, hanging calls) and Telegram-like flood
 * limits for the fake.
 */
import { ApiError, tooManyRequests, type ResponseParameters } from "./errors.js";

export type Params = Record<string, unknown>;

export interface FailNextOptions {
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
  /** How many matching calls fail (default 1; Infinity for "until clearFaults()"). */
  times?: number;
  when?: (params: Params) => boolean;
}

interface FaultRule extends FailNextOptions {
  method: string;
  remaining: number;
}

interface HangRule {
  method: string;
  when?: (params: Params) => boolean;
}

const matches = (ruleMethod: string, method: string): boolean =>
  ruleMethod === "*" || ruleMethod.toLowerCase() === method.toLowerCase();

export class FaultInjector {
  private rules: FaultRule[] = [];
  private hangRules: HangRule[] = [];
  private hung: Array<() => void> = [];

  failNext(method: string, options: FailNextOptions): void {
    this.rules.push({ ...options, method, remaining: options.times ?? 1 });
  }

  hang(method: string, when?: (params: Params) => boolean): void {
    this.hangRules.push({ method, when });
  }

  /** Lets every hung call continue (it then executes normally). Returns how many were released. */
  releaseHangs(): number {
    const released = this.hung;
    this.hung = [];
    for (const release of released) release();
    return released.length;
  }

  get hangingCount(): number {
    return this.hung.length;
  }

  /** Forgets all failNext/hang rules; calls that already hang stay hung until releaseHangs(). */
  clear(): void {
    this.rules = [];
    this.hangRules = [];
  }

  /** The scripted error for this call, if any (consumes one use of the rule). */
  takeFailure(method: string, params: Params): ApiError | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r.method, method) && (r.when?.(params) ?? true));
    if (!rule) return undefined;
    rule.remaining--;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return new ApiError(rule.error_code, rule.description, rule.parameters);
  }

  shouldHang(method: string, params: Params): boolean {
    return this.hangRules.some((rule) => matches(rule.method, method) && (rule.when?.(params) ?? true));
  }

  /** A promise that resolves on releaseHangs(). */
  waitForRelease(): Promise<void> {
    return new Promise((resolve) => this.hung.push(resolve));
  }
}

export interface RateLimits {
  perChatPerSecond?: number;
  /** At most this many messages into one group in any 60 seconds (a sliding window, as Telegram words it). */
  perGroupPerMinute?: number;
  globalPerSecond?: number;
  /**
   * Seconds in the 429's retry_after. Default: the truth, i.e. the whole seconds until the limit
   * that was hit has room again (at least 1).
   */
  retryAfter?: number;
}

/** Sliding-window flood control, off until limits are set. */
export class RateLimiter {
  private limits: RateLimits = {};
  private readonly global: number[] = [];
  private readonly perChat = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  set(limits: RateLimits): void {
    this.limits = { ...limits };
  }

  reset(): void {
    this.limits = {};
    this.global.length = 0;
    this.perChat.clear();
  }

  /** Throws 429 if this send would exceed a limit; otherwise records it. */
  admit(chatId: number | string | undefined): void {
    const { perChatPerSecond, perGroupPerMinute, globalPerSecond } = this.limits;
    if (perChatPerSecond === undefined && perGroupPerMinute === undefined && globalPerSecond === undefined) return;
    const now = this.now();
    const chatLog = chatId === undefined ? undefined : this.chatLog(String(chatId));
    const isGroup = typeof chatId === "number" ? chatId < 0 : typeof chatId === "string" && chatId.startsWith("@");
    // For each limit that is full: when its oldest message in the window leaves it.
    const freeAt = [
      globalPerSecond !== undefined ? whenRoom(this.global, now, 1000, globalPerSecond) : 0,
      chatLog !== undefined && perChatPerSecond !== undefined ? whenRoom(chatLog, now, 1000, perChatPerSecond) : 0,
      chatLog !== undefined && isGroup && perGroupPerMinute !== undefined ? whenRoom(chatLog, now, 60_000, perGroupPerMinute) : 0,
    ];
    const blockedUntil = Math.max(...freeAt);
    if (blockedUntil > now) {
      const truth = Math.max(1, Math.ceil((blockedUntil - now) / 1000));
      throw tooManyRequests(this.limits.retryAfter !== undefined ? Math.max(1, Math.round(this.limits.retryAfter)) : truth);
    }
    this.global.push(now);
    chatLog?.push(now);
    prune(this.global, now - 60_000);
    if (chatLog) prune(chatLog, now - 60_000);
  }

  private chatLog(key: string): number[] {
    let log = this.perChat.get(key);
    if (!log) {
      log = [];
      this.perChat.set(key, log);
    }
    return log;
  }
}

/**
 * When a window of `windowMs` holding at most `limit` has room for one more message: now (or
 * earlier) if it has room, else when the oldest message that keeps it full leaves the window. A
 * message sent at `t` counts in every window (t - windowMs, t].
 */
function whenRoom(log: number[], now: number, windowMs: number, limit: number): number {
  const inWindow = countSince(log, now - windowMs);
  if (inWindow < limit) return 0;
  return log[log.length - inWindow + (inWindow - limit)]! + windowMs;
}

function countSince(log: number[], since: number): number {
  let count = 0;
  for (let i = log.length - 1; i >= 0 && (log[i] ?? 0) > since; i--) count++;
  return count;
}

function prune(log: number[], before: number): void {
  while (log.length > 0 && (log[0] ?? 0) <= before) log.shift();
}
