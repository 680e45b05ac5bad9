/**
 * Serves a FakeTelegram over real HTTP the way api.telegram.org does:
 * `GET|POST /bot<token>/<method>` (query string, JSON, urlencoded or
 * multipart parameters) and `GET /file/bot<token>/<file_path>` downloads.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiResult } from "./errors.js";
import type { FakeTelegram } from "./fake-telegram.js";
import { UploadedFile } from "./files.js";
import { boundaryOf, parseMultipart } from "./multipart.js";
import { coerceValue, methodSpec } from "./spec.js";

export interface FakeTelegramServer {
  /** Base URL to use as grammY's apiRoot / TELEGRAM_API_ROOT, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  /** Answers waiting long polls with [] and closes every connection. */
  close(): Promise<void>;
}

export interface ServerOptions {
  port?: number;
  host?: string;
  /**
   * Only for clients on this machine that are not web pages (the sandbox): refuses (403) a request
   * whose Host header is not 127.0.0.1:<port> or localhost:<port> (DNS rebinding) and any request
   * with an Origin header (a browser's; the bot, a Node client, sends none).
   */
  localOnly?: boolean;
  /** Largest request body accepted (413 beyond); default 60 MB, above the Bot API's 50 MB uploads. */
  maxBodyBytes?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 60 * 1024 * 1024;

type Params = Record<string, unknown>;

const NOT_FOUND: ApiResult = { ok: false, error_code: 404, description: "Not Found" };
const UNAUTHORIZED: ApiResult = { ok: false, error_code: 401, description: "Unauthorized" };
const FORBIDDEN: ApiResult = { ok: false, error_code: 403, description: "Forbidden: only local clients without an Origin" };
const TOO_LARGE: ApiResult = { ok: false, error_code: 413, description: "Request Entity Too Large" };

class BodyTooLarge extends Error {}

/** A request Telegram would reject before looking at the method (400). */
class RequestError extends Error {
  readonly result: ApiResult;

  constructor(reason: string) {
    super(reason);
    this.result = { ok: false, error_code: 400, description: `Bad Request: ${reason}` };
  }
}

export async function startFakeTelegramServer(fake: FakeTelegram, opts: ServerOptions = {}): Promise<FakeTelegramServer> {
  const host = opts.host ?? "127.0.0.1";
  const inflight = new Map<AbortController, Promise<void>>();
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  let allowedHosts = new Set<string>();

  const server = createServer((req, res) => {
    if (opts.localOnly && (req.headers.origin !== undefined || !allowedHosts.has((req.headers.host ?? "").toLowerCase()))) {
      res.setHeader("connection", "close");
      return send(res, FORBIDDEN);
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBody) {
      res.setHeader("connection", "close");
      return send(res, TOO_LARGE);
    }
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort(new Error("client disconnected"));
    });
    const done = route(fake, req, res, controller.signal, maxBody)
      .catch((error: unknown) => {
        if (error instanceof BodyTooLarge) {
          res.setHeader("connection", "close");
          return send(res, TOO_LARGE);
        }
        const description = `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`;
        send(res, { ok: false, error_code: 500, description });
      })
      .finally(() => inflight.delete(controller));
    inflight.set(controller, done);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const pending = [...inflight.values()];
      for (const controller of inflight.keys()) controller.abort(new Error("server closing"));
      await Promise.race([Promise.allSettled(pending), new Promise((resolve) => setTimeout(resolve, 250))]);
      server.closeAllConnections();
      await closed;
    },
  };
}

async function route(fake: FakeTelegram, req: IncomingMessage, res: ServerResponse, signal: AbortSignal, maxBody: number): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake-telegram");
  const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (file) return serveFile(fake, res, decodeURIComponent(file[1] ?? ""), decodeURIComponent(file[2] ?? ""));

  const api = /^\/bot([^/]+)\/([^/]*)\/?$/.exec(url.pathname);
  if (!api) return send(res, NOT_FOUND);
  if (decodeURIComponent(api[1] ?? "") !== fake.token) return send(res, UNAUTHORIZED);
  const method = api[2] ?? "";
  if (method === "") return send(res, NOT_FOUND);

  let params: Params;
  try {
    params = await readParams(method, url, req, maxBody);
  } catch (error) {
    if (error instanceof RequestError) return send(res, error.result);
    throw error;
  }
  const result = await fake.handle(method, params, { signal });
  send(res, result);
}

/** Merges query-string and body parameters; multipart files become UploadedFile markers. */
async function readParams(method: string, url: URL, req: IncomingMessage, maxBody: number): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const body = await readBody(req, maxBody);
  if (body.length === 0) return params;
  const contentType = req.headers["content-type"] ?? "";
  if (/application\/json/i.test(contentType)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new RequestError("can't parse JSON encoded request body");
    }
    if (typeof parsed === "object" && parsed !== null) Object.assign(params, parsed);
    return params;
  }
  if (/application\/x-www-form-urlencoded/i.test(contentType)) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString("utf8"))));
    return params;
  }
  if (/multipart\/form-data/i.test(contentType)) {
    const boundary = boundaryOf(contentType);
    if (!boundary) throw new RequestError("can't parse multipart/form-data");
    return withMultipart(method, params, body, boundary);
  }
  return params;
}

/**
 * grammY sends objects as JSON strings and files as parts referenced by
 * `attach://<id>` (also inside `media`); resolve both here, where the
 * referenced parts are known.
 */
function withMultipart(method: string, params: Params, body: Buffer, boundary: string): Params {
  const { fields, files } = parseMultipart(body, boundary);
  const uploads = new Map<string, UploadedFile>();
  for (const file of files) {
    const mime = file.contentType && file.contentType !== "application/octet-stream" ? file.contentType : undefined;
    uploads.set(file.name, new UploadedFile(file.bytes, file.filename, mime));
  }
  for (const field of fields) params[field.name] = field.value;
  const spec = methodSpec(method);
  for (const specField of spec?.fields ?? []) {
    if (!(specField.name in params)) continue;
    try {
      params[specField.name] = coerceValue(specField.types, params[specField.name]);
    } catch {
      throw new RequestError(`can't parse ${specField.name} JSON object`);
    }
  }
  // Clients other than grammY may name the file part after the field (curl -F photo=@x.jpg).
  const fieldNames = new Set(spec?.fields.map((field) => field.name));
  for (const [name, upload] of uploads) if (fieldNames.has(name) && !(name in params)) params[name] = upload;
  return resolveAttachments(params, uploads) as Params;
}

function resolveAttachments(value: unknown, uploads: Map<string, UploadedFile>): unknown {
  if (typeof value === "string" && value.startsWith("attach://")) return uploads.get(value.slice(9)) ?? value;
  if (value instanceof UploadedFile) return value;
  if (Array.isArray(value)) return value.map((item) => resolveAttachments(item, uploads));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveAttachments(item, uploads)]));
  }
  return value;
}

function serveFile(fake: FakeTelegram, res: ServerResponse, token: string, path: string): void {
  if (token !== fake.token) return send(res, UNAUTHORIZED);
  const file = fake.files.byFilePath(path);
  if (!file) return send(res, NOT_FOUND);
  const bytes = file.bytes ?? new TextEncoder().encode("fake-telegram placeholder file\n");
  res.writeHead(200, { "content-type": file.mimeType, "content-length": bytes.byteLength });
  res.end(bytes);
}

function readBody(req: IncomingMessage, maxBody: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBody) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, result: ApiResult): void {
  if (res.writableEnded || res.destroyed) return;
  const body = JSON.stringify(result);
  res.writeHead(result.ok ? 200 : result.error_code, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}
