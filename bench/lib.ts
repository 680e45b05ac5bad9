/**
 * What the benchmarks share: temporary database files, percentiles, the in-process Bot API (a
 * fetch answered by the fake Telegram without HTTP) and the results table.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import type { FakeTelegram } from "../src/sandbox/fake-telegram/index.js";
import { UploadedFile } from "../src/sandbox/fake-telegram/index.js";
import { boundaryOf, parseMultipart } from "../src/sandbox/fake-telegram/multipart.js";

export const TOKEN = "123456789:TEST-benchmark-token-not-real-xxxx";
export const STAFF_CHAT_ID = -1001000000001;
export const STAFF_ADMIN = 500;
export const STAFF_MEMBER = 501;
export const silent = pino({ level: "silent" });

export function tempDbFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lotsenbot-bench-")), "bench.db");
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Stats {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) };
}

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Resident set size (now and peak) of a process, in MB, from /proc. */
export function rssMb(pid: number): { rss: number; peak: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
    return { rss: round(kb("VmRSS"), 1), peak: round(kb("VmHWM"), 1) };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// ---- the Bot API in-process ---------------------------------------------------------------

/** One Bot API call as the fake received it (files as UploadedFile). */
export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
}

type Fetch = (url: any, init?: any) => Promise<any>;

/**
 * A `fetch` for grammY that answers from the fake Telegram in this process: the bot's whole API
 * stack (transformers, effects journal, serialisation) runs as against Telegram, only the
 * network is left out. `record` (when set) receives every call.
 */
export function inProcessFetch(fake: FakeTelegram, options: { record?: (call: RecordedCall) => void } = {}): Fetch {
  return async (url: string, init?: { body?: unknown; headers?: Record<string, string> }) => {
    const method = String(url).split("/").pop() ?? "";
    const params = await paramsOf(init);
    options.record?.({ method, params });
    const result = await fake.handle(method, params);
    return new Response(JSON.stringify(result), { status: 200, headers: { "content-type": "application/json" } });
  };
}

async function paramsOf(init?: { body?: unknown; headers?: Record<string, string> }): Promise<Record<string, unknown>> {
  const body = init?.body;
  if (body === undefined || body === null) return {};
  if (typeof body === "string") return JSON.parse(body) as Record<string, unknown>;
  // Uploads: grammY streams multipart/form-data.
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(Buffer.from(chunk));
  const contentType = Object.entries(init?.headers ?? {}).find(([key]) => key.toLowerCase() === "content-type")?.[1] ?? "";
  const { fields, files } = parseMultipart(Buffer.concat(chunks), boundaryOf(contentType) ?? "");
  const params: Record<string, unknown> = Object.fromEntries(fields.map((field) => [field.name, field.value]));
  const uploads = new Map(files.map((file) => [file.name, new UploadedFile(file.bytes, file.filename, file.contentType)]));
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" && value.startsWith("attach://")) params[key] = uploads.get(value.slice(9)) ?? value;
  }
  return params;
}

// ---- the results ------------------------------------------------------------------------

export interface Row {
  section: string;
  name: string;
  figure: string;
  target: string;
  /** undefined: reported only, no target. */
  met?: boolean;
  values?: Record<string, unknown>;
}

export class Results {
  readonly rows: Row[] = [];
  readonly extra: Record<string, unknown> = {};

  add(row: Row): void {
    this.rows.push(row);
    const mark = row.met === undefined ? "  " : row.met ? "ok" : "--";
    console.log(`${mark} ${row.section.padEnd(10)} ${row.name.padEnd(44)} ${row.figure.padEnd(44)} ${row.target}`);
  }

  table(): string {
    const header = ["", "section", "what", "figure", "target"];
    const lines = this.rows.map((row) => [row.met === undefined ? "" : row.met ? "met" : "MISSED", row.section, row.name, row.figure, row.target]);
    const widths = header.map((_, i) => Math.max(header[i]!.length, ...lines.map((line) => line[i]!.length)));
    const format = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join("  ");
    return [format(header), widths.map((w) => "-".repeat(w)).join("  "), ...lines.map(format)].join("\n");
  }
}

export function machine(): Record<string, unknown> {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    memoryGb: round(os.totalmem() / 1024 ** 3, 1),
  };
}
