import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every setting, so that a developer's own .env never leaks into a test. */
export const BLANK_SETTINGS = {
  BOT_TOKEN: "",
  STAFF_CHAT_ID: "",
  DATABASE_PATH: "",
  BOT_MODE: "",
  WEBHOOK_URL: "",
  WEBHOOK_SECRET: "",
  PORT: "",
  HOST: "",
  TELEGRAM_API_ROOT: "",
  DEFAULT_LOCALE: "",
  TIMEZONE: "",
  LOG_LEVEL: "",
  STAFF_CACHE_SECONDS: "",
  FLOW_TIMEOUT_HOURS: "",
  OPERATOR_NAME: "",
  STAFF_TITLE: "",
  ANSWER_SIGNATURE: "",
  MAX_OPEN_QUESTIONS: "",
  QUESTION_COOLDOWN_SECONDS: "",
  FOLLOWUPS_PER_MINUTE: "",
  REMINDER_HOURS: "",
  RETENTION_DAYS: "",
  TRAINING_REMINDER_HOURS: "",
  TRAINING_CANCEL_CUTOFF_HOURS: "",
  DELIVERY_RETRY_SECONDS: "",
  MESSAGES_PER_SECOND: "",
  BROADCAST_QUIET_HOURS: "",
  SANDBOX_PORT: "",
  SANDBOX_DIR: "",
  BACKUP_DIR: "",
  BACKUP_KEEP: "",
  HEALTH_PORT: "",
};

export interface BotProcess {
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr), line by line. */
  lines: string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts the real bot exactly as `npm start` does (`node --import tsx src/main.ts`), or another
 * entry point (`launch`: e.g. the compiled `dist/main.js` in another folder).
 */
export function startBotProcess(env: Record<string, string>, args: string[] = [], launch: { argv?: string[]; cwd?: string } = {}): BotProcess {
  const child = spawn(process.execPath, [...(launch.argv ?? ["--import", "tsx", path.join("src", "main.ts")]), ...args], {
    cwd: launch.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...BLANK_SETTINGS, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer, carry: { rest: string }) => {
    const parts = (carry.rest + chunk.toString("utf8")).split("\n");
    carry.rest = parts.pop() ?? "";
    lines.push(...parts.filter((line) => line.length > 0));
    listeners.forEach((listener) => listener());
  };
  const out = { rest: "" };
  const err = { rest: "" };
  child.stdout!.on("data", (chunk: Buffer) => collect(chunk, out));
  child.stderr!.on("data", (chunk: Buffer) => collect(chunk, err));
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      for (const carry of [out, err]) if (carry.rest) lines.push(carry.rest);
      listeners.forEach((listener) => listener());
      resolve(code ?? signal ?? -1);
    });
  });
  let done = false;
  void exited.then(() => (done = true));

  return {
    child,
    lines,
    exited,
    waitForLine(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (line !== undefined) {
            cleanup();
            resolve(line);
          } else if (done) {
            cleanup();
            reject(new Error(`process exited before printing ${pattern}:\n${lines.slice(-20).join("\n")}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; last output:\n${lines.slice(-20).join("\n")}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async kill(signal = "SIGTERM") {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}
