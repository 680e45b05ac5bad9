/**
 * Webhook mode: the configured URL and secret, Telegram-like delivery of the
 * pending updates (oldest first, dropped only after a 2xx answer) and the
 * status getWebhookInfo reports.
 */
import type { Update } from "grammy/types";
import type { UpdateQueue } from "./updates.js";

export interface WebhookConfig {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface WebhookDeliveryOptions {
  /** Attempts per update before delivery stops (default 3). */
  maxAttempts?: number;
  /** Delay before retry n is n × retryDelayMs (default 50). */
  retryDelayMs?: number;
}

export interface WebhookDeliveryResult {
  delivered: number;
  /** Failed attempts (non-2xx answers or connection errors). */
  failed: number;
  /** Updates still pending afterwards. */
  remaining: number;
}

export interface WebhookHooks {
  /** Current time in Unix seconds (for last_error_date). */
  date: () => number;
  /** Executes a method the webhook answered with (`{"method": "...", ...}`). */
  runReply: (method: string, params: Record<string, unknown>) => Promise<unknown>;
}

export class WebhookSender {
  private config?: WebhookConfig;
  private lastError?: { date: number; message: string };
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly queue: UpdateQueue,
    private readonly hooks: WebhookHooks,
  ) {}

  get url(): string | undefined {
    return this.config?.url;
  }

  get active(): boolean {
    return this.config !== undefined;
  }

  /** Sets the webhook; returns false if it was already set exactly like this. */
  set(config: WebhookConfig): boolean {
    const changed = this.config?.url !== config.url || this.config.secretToken !== config.secretToken;
    this.config = { ...config };
    this.lastError = undefined;
    return changed;
  }

  /** Removes the webhook; returns whether one was set. */
  clear(): boolean {
    const wasSet = this.config !== undefined;
    this.config = undefined;
    this.lastError = undefined;
    return wasSet;
  }

  /** The WebhookInfo object. */
  info(): Record<string, unknown> {
    const info: Record<string, unknown> = {
      url: this.config?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: this.queue.size,
    };
    if (!this.config) return info;
    info.max_connections = this.config.maxConnections;
    info.ip_address = "127.0.0.1";
    const allowed = this.queue.allowedUpdates;
    if (allowed.length) info.allowed_updates = allowed;
    if (this.lastError) {
      info.last_error_date = this.lastError.date;
      info.last_error_message = this.lastError.message;
    }
    return info;
  }

  /** Delivers pending updates; concurrent calls run one after another. */
  deliver(options: WebhookDeliveryOptions = {}): Promise<WebhookDeliveryResult> {
    const run = this.chain.then(() => this.deliverPending(options.maxAttempts ?? 3, options.retryDelayMs ?? 50));
    this.chain = run;
    return run;
  }

  private async deliverPending(maxAttempts: number, retryDelayMs: number): Promise<WebhookDeliveryResult> {
    let delivered = 0;
    let failed = 0;
    while (this.config) {
      const [update] = this.queue.take(1);
      if (!update) break;
      let answer: string | undefined;
      for (let attempt = 1; attempt <= maxAttempts && this.config; attempt++) {
        answer = await this.post(this.config, update);
        if (answer !== undefined) break;
        failed++;
        if (attempt < maxAttempts) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
      }
      if (answer === undefined) break;
      this.queue.remove(update.update_id);
      delivered++;
      await this.runReply(answer);
    }
    return { delivered, failed, remaining: this.queue.size };
  }

  /** POSTs one update; returns the answer body on 2xx, undefined on failure. */
  private async post(config: WebhookConfig, update: Update): Promise<string | undefined> {
    let response: Response;
    let body: string;
    try {
      response = await fetch(config.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(config.secretToken ? { "x-telegram-bot-api-secret-token": config.secretToken } : {}),
        },
        body: JSON.stringify(update),
      });
      body = await response.text();
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.lastError = { date: this.hooks.date(), message: `Connection failed: ${reason}` };
      return undefined;
    }
    if (response.status < 200 || response.status > 299) {
      this.lastError = {
        date: this.hooks.date(),
        message: `Wrong response from the webhook: ${response.status} ${response.statusText}`,
      };
      return undefined;
    }
    return body;
  }

  /** Telegram executes a method call sent back as the webhook's answer, and ignores anything else. */
  private async runReply(body: string): Promise<void> {
    if (!body.trim().startsWith("{")) return;
    let reply: Record<string, unknown>;
    try {
      reply = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof reply.method !== "string") return;
    const { method, ...params } = reply;
    await this.hooks.runReply(method as string, params);
  }
}
