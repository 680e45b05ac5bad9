import http from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { Update } from "grammy/types";
import type { Logger } from "../logger.js";
import { answerHealth, type HealthCheck } from "./health.js";
import type { UpdatePipeline } from "./pipeline.js";

export interface WebhookServerOptions {
  path: string;
  secret: string;
  host: string;
  port: number;
  pipeline: UpdatePipeline;
  logger: Logger;
  /** Behind GET /healthz: the database and queue lengths (200 or 503). */
  health?: HealthCheck;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Receives updates from Telegram. An update is answered with 200 only after it is in the
 * journal; if that fails, Telegram gets a 500 and delivers the update again later.
 * `GET /healthz` reports health (database, queue lengths) for the service manager or a load balancer.
 */
export function startWebhookServer(options: WebhookServerOptions): Promise<http.Server> {
  const { pipeline, logger } = options;
  const expectedSecret = Buffer.from(options.secret);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/healthz") {
      return answerHealth(res, options.health, pipeline.inFlight);
    }
    if (url.pathname !== options.path) return send(res, 404, { ok: false });
    if (req.method !== "POST") return send(res, 405, { ok: false });
    const given = Buffer.from(String(req.headers["x-telegram-bot-api-secret-token"] ?? ""));
    if (given.length !== expectedSecret.length || !timingSafeEqual(given, expectedSecret)) {
      logger.warn({ remote: req.socket.remoteAddress }, "webhook call with a wrong secret token");
      return send(res, 401, { ok: false });
    }
    readBody(req)
      .then((body) => {
        const update = parseUpdate(body);
        if (!update) return send(res, 400, { ok: false });
        pipeline.accept([update]);
        send(res, 200, { ok: true });
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, "could not journal a webhook update");
        send(res, 500, { ok: false });
      });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve(server));
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("webhook body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseUpdate(body: string): Update | undefined {
  try {
    const update = JSON.parse(body) as Update | null;
    return typeof update?.update_id === "number" ? update : undefined;
  } catch {
    return undefined;
  }
}
