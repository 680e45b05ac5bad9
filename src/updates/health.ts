import http from "node:http";
import type { Logger } from "../logger.js";

/** A health check's answer: `ok` decides 200 or 503; the rest is reported as it is. */
export type HealthCheck = () => { ok: boolean };

/** Answers GET /healthz from `check` (plus the updates in progress): 200 when ok, else 503. */
export function answerHealth(res: http.ServerResponse, check: HealthCheck | undefined, inFlight: number): void {
  let report: { ok: boolean; inFlight: number };
  try {
    report = { ...(check?.() ?? { ok: true }), inFlight };
  } catch {
    report = { ok: false, inFlight };
  }
  res.writeHead(report.ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(report));
}

/**
 * Polling mode's /healthz (HEALTH_PORT): a small HTTP server for the service manager, Docker's
 * HEALTHCHECK or a monitoring agent, on loopback only. Nothing else is served.
 */
export function startHealthServer(options: { port: number; host: string; check: HealthCheck; inFlight: () => number; logger: Logger }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "GET" && url.pathname === "/healthz") return answerHealth(res, options.check, options.inFlight());
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: false }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      options.logger.info({ port: options.port, host: options.host }, "health check listening");
      resolve(server);
    });
  });
}
