import type { CallbackQueryContext, Composer, Context } from "grammy";

/**
 * Callback data, defined once per action: a template such as `"faq:e:{id}:{page}"` with a codec
 * for each placeholder. The same definition packs the data for a button and parses it back, its
 * `pattern` routes the tap (`composer.callbackQuery(def.pattern, ...)`), and its longest possible
 * form is known when it is defined: a definition that could exceed Telegram's 64 bytes throws at
 * start-up. Each feature defines its own in its `callbacks.ts`, under its own prefix.
 *
 * Data already sent to people keeps working as long as a definition keeps its template; a tap
 * that no definition parses is answered as stale ("no longer valid") by the core.
 */

/** Telegram's limit for `callback_data`. */
export const CALLBACK_DATA_LIMIT = 64;

export interface Codec<T> {
  /** Regular expression source matching exactly the packed values. */
  readonly pattern: string;
  /** The longest packed value (ASCII, so bytes = characters). */
  readonly maxLength: number;
  parse(raw: string): T | undefined;
  format(value: T): string;
}

/** A whole number from 0 to `max`. */
export function int(max: number): Codec<number> {
  const digits = String(max).length;
  return {
    pattern: `\\d{1,${digits}}`,
    maxLength: digits,
    parse: (raw) => (Number(raw) <= max ? Number(raw) : undefined),
    format: (value) => {
      if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`callback value ${value} is not a whole number from 0 to ${max}`);
      return String(value);
    },
  };
}

/** true/false as "1"/"0". */
export const flag: Codec<boolean> = {
  pattern: "[01]",
  maxLength: 1,
  parse: (raw) => raw === "1",
  format: (value) => (value ? "1" : "0"),
};

/** One of a fixed list of short words (ids of topics, actions, languages). */
export function oneOf<const T extends string>(values: readonly T[]): Codec<T> {
  for (const value of values) {
    if (!/^[A-Za-z0-9_-]+$/.test(value)) throw new Error(`callback word "${value}" must be letters, digits, _ or -`);
  }
  return {
    pattern: `(?:${values.join("|")})`,
    maxLength: Math.max(...values.map((value) => value.length)),
    parse: (raw) => (values as readonly string[]).includes(raw) ? (raw as T) : undefined,
    format: (value) => {
      if (!values.includes(value)) throw new RangeError(`callback word "${value}" is not one of ${values.join(", ")}`);
      return value;
    },
  };
}

type Fields = Record<string, Codec<unknown>>;
export type CallbackValues<F extends Fields> = { [K in keyof F]: F[K] extends Codec<infer T> ? T : never };

export interface CallbackDef<V> {
  readonly template: string;
  /** Matches exactly the data this definition packs. */
  readonly pattern: RegExp;
  /** The longest data it can pack. */
  readonly maxLength: number;
  pack(...values: keyof V extends never ? [] : [V]): string;
  /** The values, or undefined for data of another shape or out of range (forged or stale). */
  parse(data: string): V | undefined;
}

export function defineCallback<F extends Fields = Record<never, never>>(template: string, fields: F = {} as F): CallbackDef<CallbackValues<F>> {
  const parts = template.split(/\{(\w+)\}/);
  // parts: literal, name, literal, name, ..., literal
  const names = parts.filter((_, index) => index % 2 === 1);
  if (names.length !== Object.keys(fields).length || names.some((name) => !(name in fields))) {
    throw new Error(`callback template "${template}" and its fields (${Object.keys(fields).join(", ")}) do not match`);
  }
  const literals = parts.filter((_, index) => index % 2 === 0);
  if (literals.some((literal) => !/^[\x20-\x7e]*$/.test(literal))) throw new Error(`callback template "${template}" must be ASCII`);
  const codec = (name: string) => fields[name]!;
  const source = parts.map((part, index) => (index % 2 === 0 ? escapeRegExp(part) : `(${codec(part).pattern})`)).join("");
  const pattern = new RegExp(`^${source}$`);
  const maxLength = literals.join("").length + names.reduce((sum, name) => sum + codec(name).maxLength, 0);
  if (maxLength > CALLBACK_DATA_LIMIT) throw new Error(`callback "${template}" may reach ${maxLength} bytes; Telegram allows ${CALLBACK_DATA_LIMIT}`);
  return {
    template,
    pattern,
    maxLength,
    pack: (...args: unknown[]) => {
      const values = (args[0] ?? {}) as Record<string, unknown>;
      return parts.map((part, index) => (index % 2 === 0 ? part : codec(part).format(values[part]))).join("");
    },
    parse: (data) => {
      const match = pattern.exec(data);
      if (!match) return undefined;
      const values: Record<string, unknown> = {};
      for (const [position, name] of names.entries()) {
        const value = codec(name).parse(match[position + 1]!);
        if (value === undefined) return undefined;
        values[name] = value;
      }
      return values as CallbackValues<F>;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Routes taps on buttons of one definition to `handler` with the parsed values. Data of the
 * right shape but out of range goes on (in the end the core answers it as stale).
 */
export function onCallback<C extends Context, V>(
  composer: Composer<C>,
  def: CallbackDef<V>,
  handler: (ctx: CallbackQueryContext<C>, values: V) => unknown,
): void {
  composer.callbackQuery(def.pattern, async (ctx, next) => {
    const values = def.parse(ctx.callbackQuery.data);
    if (values === undefined) return next();
    await handler(ctx, values);
  });
}
