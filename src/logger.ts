import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured logs on stdout. Tokens never reach a log line: grammY puts the token into
 * request URLs, so anything URL-like is redacted, and message texts are only logged at debug.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ["token", "botToken", "*.token", "*.botToken", "config.botToken"], censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === "string" ? redactTokens(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
      serializers: { err: (err: unknown) => redactError(pino.stdSerializers.err(err as Error)) },
    },
    destination,
  );
}

const TOKEN_PATTERN = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, "[redacted]");
}

function redactError<T>(value: T): T {
  return JSON.parse(redactTokens(JSON.stringify(value))) as T;
}
