import type { Api } from "grammy";
import type { Logger } from "../logger.js";
import type { UpdatePipeline } from "./pipeline.js";
import { ALLOWED_UPDATES } from "./routing.js";

export interface PollingOptions {
  api: Api;
  pipeline: UpdatePipeline;
  logger: Logger;
  signal: AbortSignal;
  timeoutSeconds?: number;
  /** Stop fetching while this many updates are still being processed. */
  maxInFlight?: number;
  /** First pause after a failure; doubles up to 30 s. */
  retryDelayMs?: number;
}

/**
 * Long polling with journaling. Telegram forgets an update once we ask for a higher offset, so
 * each batch is written to the journal before the next getUpdates call confirms it. A hard kill
 * at any moment therefore loses nothing: unconfirmed updates are re-sent by Telegram, confirmed
 * ones are in the journal. A batch that cannot be journaled is not confirmed either.
 */
export async function runPolling(options: PollingOptions): Promise<void> {
  const { api, pipeline, logger, signal } = options;
  // No stored offset: Telegram starts with its earliest unconfirmed update, which is safe even
  // when it has chosen new random update ids after a quiet week; the journal drops repeats.
  let offset: number | undefined;
  let failures = 0;
  while (!signal.aborted) {
    await pipeline.belowLimit(options.maxInFlight ?? 1000);
    let updates;
    try {
      updates = await api.getUpdates(
        { offset, timeout: options.timeoutSeconds ?? 30, allowed_updates: [...ALLOWED_UPDATES] },
        // grammY types its signal with the abort-controller polyfill; the platform one works.
        signal as never,
      );
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      failures++;
      const delay = Math.min(30_000, (options.retryDelayMs ?? 500) * 2 ** Math.min(failures, 6));
      logger.warn({ err: error, retryInMs: delay }, "getUpdates failed");
      await sleep(delay, signal);
      continue;
    }
    if (updates.length === 0) continue;
    try {
      pipeline.accept(updates);
    } catch (error) {
      // Not journaled, so not confirmed: the same batch comes again with the old offset.
      failures++;
      const delay = Math.min(30_000, (options.retryDelayMs ?? 500) * 2 ** Math.min(failures, 6));
      logger.error({ err: error, retryInMs: delay }, "could not journal updates");
      await sleep(delay, signal);
      continue;
    }
    offset = updates[updates.length - 1]!.update_id + 1;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
