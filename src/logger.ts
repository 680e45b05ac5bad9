import { BotError } from "grammy";
import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Structured logs on stdout. Tokens never reach a log line (grammY puts the token into request
 * URLs, so every token-shaped string is redacted), and message texts are not logged.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        // Errors are serialized here (before anything else sees them); then any token-shaped
        // string anywhere in the logged object is replaced.
        log: (object) => {
          const withError = "err" in object ? { ...object, err: serializeError(object.err) } : object;
          return JSON.parse(redactTokens(JSON.stringify(withError))) as Record<string, unknown>;
        },
      },
      // Errors are serialized in `formatters.log` above; pino's default would do it again.
      serializers: { err: (err: unknown) => err },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg) => (typeof arg === "string" ? redactTokens(arg) : arg)) as Parameters<typeof method>,
          );
        },
      },
    },
    destination,
  );
}

function withoutParams(text: string): string {
  // Up to the stack's first frame: a value may span lines.
  return text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, "\nparams: [redacted]");
}

const TOKEN_PATTERN = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, "[redacted]");
}

/**
 * Errors keep their type, message and stack, but neither the payload of a failed Bot API call
 * (grammY attaches it, and it holds the message text), nor the values of a failed query
 * (drizzle attaches them as `params`), nor the context of a grammY BotError (it holds the update
 * and the configuration); a BotError is logged as the error it wraps.
 */
function serializeError(err: unknown): unknown {
  if (typeof err !== "object" || err === null) return err;
  if (err instanceof BotError) return serializeError(err.error);
  const serialized = err instanceof Error ? pino.stdSerializers.err(err) : err;
  const { payload: _payload, ctx: _ctx, params: _params, cause, ...fields } = serialized as Record<string, unknown>;
  // drizzle also writes the values into the message ("Failed query: …\nparams: …").
  const rest = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === "string" ? withoutParams(value) : value]));
  const name = (err as { name?: unknown }).name;
  const withCause = cause === undefined ? rest : { ...rest, cause: serializeError((err as { cause?: unknown }).cause ?? cause) };
  return typeof name === "string" ? { ...withCause, type: name } : withCause;
}
