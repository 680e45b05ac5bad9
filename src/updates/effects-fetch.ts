import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import { discardEffectsFrom, findEffect, saveEffect } from "../db/repositories/update-journal.js";

// grammY's fetch type is node-fetch's; this wrapper only passes its arguments through.
type Fetch = (url: any, init?: any) => Promise<any>;

interface EffectScope {
  updateId: number;
  seq: number;
  /** Set once this run asked for something the recorded run did not: from then on all is live. */
  diverged: boolean;
}

const scope = new AsyncLocalStorage<EffectScope>();

/** Runs `fn` (the handling of one journaled update) so that its Bot API calls are recorded. */
export function runInEffectScope<T>(updateId: number, fn: () => Promise<T>): Promise<T> {
  return scope.run({ updateId, seq: 0, diverged: false }, fn);
}

/** Reading methods have no effect worth de-duplicating. */
function hasEffect(method: string): boolean {
  return !/^get/i.test(method) && method !== "sendChatAction";
}

/**
 * Wraps grammY's `fetch` so that, while an update is handled, every successful Bot API call with
 * an effect (send, edit, answer, ...) is stored with its position in the handler's sequence of
 * calls. When the same update is handled again after a crash, those calls are not sent to
 * Telegram a second time; their stored response is returned. This sits below grammY's API
 * transformers (auto-retry, throttler, conversations' replay log), so it sees only real calls.
 */
export function createEffectsFetch<F extends Fetch>(db: Db, inner: F): F {
  const wrapped = async (url: string, init?: Record<string, unknown>) => {
    const current = scope.getStore();
    const method = String(url).split("/").pop() ?? "";
    if (!current || !hasEffect(method)) return inner(url, init);
    // Positions count successful calls only: a call that failed (e.g. 429 before a retry)
    // changed nothing at Telegram and takes no place in the sequence.
    const fingerprint = fingerprintOf(method, init?.body);
    if (!current.diverged) {
      const recorded = findEffect(db, current.updateId, current.seq);
      if (recorded && recorded.fingerprint === fingerprint) {
        current.seq++;
        return jsonResponse(recorded.response);
      }
      if (recorded) {
        current.diverged = true;
        discardEffectsFrom(db, current.updateId, current.seq);
      }
    }
    const response = await inner(url, init);
    if (response.status !== 200) return response;
    const body = await response.text();
    saveEffect(db, current.updateId, current.seq++, fingerprint, body);
    return jsonResponse(body);
  };
  return wrapped as unknown as F;
}

function jsonResponse(body: string): Response {
  return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
}

/**
 * JSON requests are identified by their exact body; uploads (multipart streams, which cannot be
 * read twice) by their method alone.
 */
function fingerprintOf(method: string, body: unknown): string {
  if (typeof body !== "string") return method;
  return `${method}:${createHash("sha256").update(body).digest("base64url")}`;
}
