import type { Logger } from "../logger.js";

/** Background work a feature runs inside the bot process, from the database. */
export interface Job {
  /** `<feature>.<what>`, e.g. `questions.reminders` (logs, tests). */
  name: string;
  everyMs: number;
  /** Also once right at start (e.g. retrying what waited while the bot was down). */
  atStart?: boolean;
  run(): unknown;
}

export interface RunningJobs {
  stop(): void;
}

/**
 * Runs each job on its own timer. A failing run is logged and the job runs again at its next
 * turn; timers keep no process alive (a clean stop ends them, see main.ts).
 */
export function startJobs(jobs: readonly Job[], logger: Logger): RunningJobs {
  const guarded = (job: Job) => async () => {
    try {
      await job.run();
    } catch (error) {
      logger.warn({ err: error, job: job.name }, "background job failed; it runs again later");
    }
  };
  const timers = jobs.map((job) => {
    const run = guarded(job);
    if (job.atStart) void run();
    const timer = setInterval(run, job.everyMs);
    timer.unref();
    return timer;
  });
  return { stop: () => timers.forEach(clearInterval) };
}
