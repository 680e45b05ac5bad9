import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import type { Db } from "../db/client.js";
import { findNextEffect, nextEffectSeq, saveEffect } from "./repository.js";

// grammY's fetch type is node-fetch's; this wrapper only passes its arguments through.
type Fetch = (url: any, init?: any) => Promise<any>;

interface EffectScope {
  updateId: number;
  /** Recorded effects before this position have been matched (or skipped) by this run. */
  cursor: number;
  /** End of the record left by earlier runs (read lazily); only that part is matched. */
  recordedEnd: number | undefined;
  /** Where the next live call is recorded. */
  nextSeq: number;
  /** Writes put off until the update is marked done (see `deferUntilDone`); none outside the pipeline. */
  deferred: Array<() => void> | undefined;
}

const scope = new AsyncLocalStorage<EffectScope>();

/**
 * Runs `fn` (the handling of one journaled update) so that its Bot API calls are recorded.
 * `deferred` collects the writes that must wait for the update to be marked done (the pipeline
 * applies them in that transaction, and drops them when the attempt fails).
 */
export function runInEffectScope<T>(updateId: number, fn: () => Promise<T>, deferred?: Array<() => void>, attempt?: EffectAttempt): Promise<T> {
  // A first attempt has no record of an earlier run to look up.
  const state: EffectScope = { updateId, cursor: 0, recordedEnd: attempt?.first ? 0 : undefined, nextSeq: 0, deferred };
  if (attempt) attempt.scope = state;
  return scope.run(state, fn);
}

/** What the pipeline knows of an attempt, and learns from it. */
export interface EffectAttempt {
  /** No attempt was made before (nothing can have been recorded). */
  first: boolean;
  /** @internal The attempt's scope, set when it starts. */
  scope?: EffectScope;
}

/** Whether an attempt left effects on record (to be dropped when its update is done). */
export function recordedAny(attempt: EffectAttempt): boolean {
  return !attempt.first || (attempt.scope?.nextSeq ?? 0) > 0;
}

/**
 * For state that a replay of the current update must not see yet, such as a flow's state after
 * this update: the write is put off and made in the transaction that marks the update done. A
 * crash or a failed attempt before that leaves the state as it was before the update, and the
 * replay takes the same steps again (the effects record answers their calls). False outside the
 * pipeline's scope: then the caller writes at once.
 */
export function deferUntilDone(write: () => void): boolean {
  const deferred = scope.getStore()?.deferred;
  if (!deferred) return false;
  deferred.push(write);
  return true;
}

/**
 * Runs `fn` outside any update's scope: for work scheduled now that runs after the update is
 * done (a timer), whose calls are not that update's effects.
 */
export function outsideEffectScope<T>(fn: () => T): T {
  return scope.exit(fn);
}

/**
 * For decisions a handler takes from state that the same update may change (e.g. "is onboarding
 * still open?" asked by a handler that finishes onboarding as its last step): the first run's
 * answer is recorded in the update's sequence of effects, so a replay after a crash takes the
 * same path as the first run, even though the first run already wrote. Outside an update's scope
 * (a background job), `decide` simply runs. Values must be JSON.
 */
export function createDecisionRecorder(db: Db) {
  return function remember<T>(name: string, decide: () => T): T {
    const current = scope.getStore();
    if (!current) return decide();
    const fingerprint = `decision:${name}`;
    const recorded = matchRecorded(db, current, fingerprint);
    if (recorded !== undefined) return JSON.parse(recorded) as T;
    const value = decide();
    saveEffect(db, current.updateId, current.nextSeq++, fingerprint, JSON.stringify(value));
    return value;
  };
}

/** Reading methods have no effect worth de-duplicating. */
function hasEffect(method: string): boolean {
  return !/^get/i.test(method) && method !== "sendChatAction";
}

/**
 * Wraps grammY's `fetch` so that, while an update is handled, every successful Bot API call with
 * an effect (send, edit, answer, ...) is stored in order with a fingerprint of its request. When
 * the same update is handled again after a crash, a request that was already made is not sent to
 * Telegram a second time: the next recorded call with the same fingerprint (in order) answers it.
 * A replay may skip calls (work the first run finished and wrote down, such as a relayed
 * question) without losing the match for the calls after them; a request never made before runs
 * live. This sits below grammY's API transformers (auto-retry, throttler, conversations' replay
 * log), so it sees only real calls.
 */
export function createEffectsFetch<F extends Fetch>(db: Db, inner: F): F {
  const wrapped = async (url: string, init?: Record<string, unknown>) => {
    const current = scope.getStore();
    const method = String(url).split("/").pop() ?? "";
    if (!current || !hasEffect(method)) return inner(url, init);
    // Positions count successful calls only: a call that failed (e.g. 429 before a retry)
    // changed nothing at Telegram and takes no place in the sequence.
    const fingerprint = fingerprintOf(method, init?.body);
    const recorded = matchRecorded(db, current, fingerprint);
    if (recorded !== undefined) return jsonResponse(recorded);
    const seq = current.nextSeq++;
    const response = await inner(url, init);
    if (response.status !== 200) return response;
    const body = await response.text();
    saveEffect(db, current.updateId, seq, fingerprint, body);
    return jsonResponse(body);
  };
  return wrapped as unknown as F;
}

/**
 * The next recorded result with this fingerprint from an earlier run of the update (in order;
 * skipping unmatched ones), moving the scope's cursor past it; undefined when there is none.
 */
function matchRecorded(db: Db, current: EffectScope, fingerprint: string): string | undefined {
  if (current.recordedEnd === undefined) {
    current.recordedEnd = nextEffectSeq(db, current.updateId);
    current.nextSeq = current.recordedEnd;
  }
  if (current.cursor >= current.recordedEnd) return undefined;
  const recorded = findNextEffect(db, current.updateId, current.cursor, current.recordedEnd, fingerprint);
  if (!recorded) return undefined;
  current.cursor = recorded.seq + 1;
  return recorded.response;
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
