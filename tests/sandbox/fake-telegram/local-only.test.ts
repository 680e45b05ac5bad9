/**
 * The sandbox's fake Bot API server answers only the bot on this machine: no web page (Origin),
 * no foreign Host name (DNS rebinding), no endless body.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { FakeTelegram, startFakeTelegramServer, type FakeTelegramServer } from "../../../src/sandbox/fake-telegram/index.js";

const TOKEN = "123456:LOCAL-ONLY-TEST";

/** A raw request (fetch may not set Host). */
function call(server: FakeTelegramServer, options: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, method: options.method ?? "GET", path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    // The server may answer and close before the whole body is sent.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    req.end(options.body);
  });
}

describe("the fake Bot API server", () => {
  const servers: FakeTelegramServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  async function start(options: Parameters<typeof startFakeTelegramServer>[1]) {
    const server = await startFakeTelegramServer(new FakeTelegram({ token: TOKEN }), options);
    servers.push(server);
    return server;
  }

  it("with localOnly refuses web pages (Origin) and foreign Host names with 403, and serves the bot", async () => {
    const server = await start({ localOnly: true });
    const getMe = `/bot${TOKEN}/getMe`;
    expect((await call(server, { path: getMe })).status).toBe(200);
    expect((await call(server, { path: getMe, headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    expect((await call(server, { path: getMe, headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect((await call(server, { path: getMe, headers: { origin: "null" } })).status).toBe(403);
    expect((await call(server, { path: getMe, headers: { host: "evil.example" } })).status).toBe(403);
    expect((await call(server, { path: getMe, headers: { host: `evil.example:${server.port}` } })).status).toBe(403);
    // A cross-site form post is refused too, before the method runs.
    const form = await call(server, {
      method: "POST",
      path: `/bot${TOKEN}/sendMessage`,
      headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "chat_id=1&text=hi",
    });
    expect(form.status).toBe(403);
    // fetch, as grammY's client does it, gets through.
    expect((await fetch(`${server.url}${getMe}`)).status).toBe(200);
  });

  it("without localOnly (the tests' default) still accepts an Origin", async () => {
    const server = await start({});
    expect((await call(server, { path: `/bot${TOKEN}/getMe`, headers: { origin: "https://example.org" } })).status).toBe(200);
  });

  it("refuses a body beyond the cap with 413, declared or streamed", async () => {
    const server = await start({ localOnly: true, maxBodyBytes: 1000 });
    const big = Buffer.alloc(5000, "a");
    const declared = await call(server, { method: "POST", path: `/bot${TOKEN}/getMe`, headers: { "content-type": "application/json" }, body: big });
    expect(declared.status).toBe(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: server.port, method: "POST", path: `/bot${TOKEN}/getMe`, headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
      for (let i = 0; i < 5; i++) req.write(big);
      req.end();
    });
    expect(streamed).toBe(413);
    expect((await call(server, { method: "POST", path: `/bot${TOKEN}/getMe`, headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(200);
  });

  it("has a default cap of 60 MB", async () => {
    const server = await start({ localOnly: true });
    const declared = await call(server, { method: "POST", path: `/bot${TOKEN}/getMe`, headers: { "content-type": "application/json", "content-length": String(61 * 1024 * 1024) } });
    expect(declared.status).toBe(413);
  });
});
