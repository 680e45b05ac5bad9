/**
 * The Bot API method catalogue (compact copy of the official spec) and the
 * checks Telegram applies before it looks at a call: unknown method → 404,
 * missing required field → 400. Also coerces string values (query string,
 * form fields, multipart fields) to the types the spec declares.
 */
import { readFileSync } from "node:fs";
import { ApiError, badRequest } from "./errors.js";

export interface SpecField {
  name: string;
  types: string[];
  required: boolean;
}
export interface SpecMethod {
  fields: SpecField[];
  returns: string[];
}
export interface BotApiSpec {
  version: string;
  methods: Record<string, SpecMethod>;
}

let cached: BotApiSpec | undefined;
let byLowerName: Map<string, string> | undefined;

export function loadSpec(): BotApiSpec {
  if (!cached) {
    const url = new URL("./bot-api-spec.json", import.meta.url);
    cached = JSON.parse(readFileSync(url, "utf8")) as BotApiSpec;
  }
  return cached;
}

/** Canonical camelCase name of a method (Telegram ignores case), or undefined. */
export function canonicalMethodName(method: string): string | undefined {
  if (!byLowerName) {
    byLowerName = new Map(Object.keys(loadSpec().methods).map((name) => [name.toLowerCase(), name]));
  }
  return byLowerName.get(method.toLowerCase());
}

export function methodSpec(method: string): SpecMethod | undefined {
  const name = canonicalMethodName(method);
  return name === undefined ? undefined : loadSpec().methods[name];
}

/** True if the method's documented result is just `True`. */
export function returnsTrue(method: string): boolean {
  const returns = methodSpec(method)?.returns;
  return returns !== undefined && returns.length === 1 && returns[0] === "Boolean";
}

/** Telegram's wording for a few well-known missing fields. */
const MISSING_FIELD_REASONS: Record<string, string> = {
  text: "message text is empty",
  message_id: "message identifier is not specified",
  photo: "there is no photo in the request",
  document: "there is no document in the request",
  video: "there is no video in the request",
  audio: "there is no audio in the request",
  voice: "there is no voice in the request",
  sticker: "there is no sticker in the request",
  animation: "there is no animation in the request",
  video_note: "there is no video_note in the request",
};

/** Required fields for which Telegram accepts "" (setWebhook with url "" removes the webhook). */
const EMPTY_STRING_ALLOWED = new Set(["setWebhook.url"]);

export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

const PRIMITIVE_TYPES = new Set(["String", "Integer", "Float", "Boolean"]);

/** Converts one string value to the field's declared type, the way Telegram reads form fields. */
export function coerceValue(types: readonly string[], value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (types.includes("Integer") && /^-?\d+$/.test(value)) return Number(value);
  if (types.includes("Float") && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  if (types.includes("Boolean")) {
    if (value === "true" || value === "1") return true;
    if (value === "false" || value === "0") return false;
  }
  if (types.some((t) => t === "String")) return value;
  const structured = types.some((t) => !PRIMITIVE_TYPES.has(t) && t !== "InputFile");
  if (structured && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`can't parse JSON object`);
    }
  }
  return value;
}

export interface ValidatedCall {
  method: string;
  params: Record<string, unknown>;
}

/**
 * Validates a call against the spec. Returns the canonical method name and the
 * params with string values coerced to their declared types; throws ApiError
 * (404 for unknown methods, 400 for a missing required field).
 */
export function validateCall(method: string, params: Record<string, unknown>): ValidatedCall {
  const name = canonicalMethodName(method);
  const spec = name === undefined ? undefined : loadSpec().methods[name];
  if (name === undefined || spec === undefined) throw new ApiError(404, "Not Found");
  const coerced: Record<string, unknown> = { ...params };
  for (const field of spec.fields) {
    if (field.name in coerced) coerced[field.name] = coerceValue(field.types, coerced[field.name]);
    const emptyAllowed = coerced[field.name] === "" && EMPTY_STRING_ALLOWED.has(`${name}.${field.name}`);
    if (field.required && !emptyAllowed && isMissing(coerced[field.name])) {
      throw badRequest(MISSING_FIELD_REASONS[field.name] ?? `${field.name} is empty`);
    }
  }
  return { method: name, params: coerced };
}
