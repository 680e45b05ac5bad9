/**
 * The sandbox page server at the HTTP level: uploaded files can never run on the page's origin,
 * oversized uploads get an answer (not a reset connection), and a forum topic's messages are cut
 * after filtering by topic.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispositionName, startPageServer, type PageServer } from "../../src/sandbox/page-server.js";
import { createWorld, sandboxToken, STAFF_GROUP } from "../../src/sandbox/world.js";
import type { FakeTelegram } from "../../src/sandbox/fake-telegram/index.js";

const ANNA = 8001;
interface ChatAnswer {
  messages: Array<{ message_id: number; text?: string }>;
  topics: Array<{ message_thread_id: number; unread: number }>;
}
const chatAt = async (url: string) => (await (await fetch(url)).json()) as ChatAnswer;
const LENA = 9001;

describe("the sandbox page server", () => {
  let fake: FakeTelegram;
  let server: PageServer;

  beforeEach(async () => {
    fake = createWorld(undefined, sandboxToken());
    server = await startPageServer(fake, { keyboards: new Map(), added: [] }, { port: 0, onChange: () => {} });
  });
  afterEach(async () => {
    await server.close();
  });

  const upload = (name: string, type: string, body: string | Uint8Array) =>
    fetch(`${server.url}/api/upload?${new URLSearchParams({ as: String(ANNA), chat: String(ANNA), name, type })}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body,
    });
  const lastFile = () => {
    const message = fake.messages(ANNA).at(-1)!;
    const id = message.document?.file_id ?? message.photo?.at(-1)?.file_id;
    return fetch(`${server.url}/files/${id}`);
  };

  it("serves an uploaded HTML or JavaScript file only as a sandboxed octet-stream attachment", async () => {
    for (const [name, type] of [["böse seite.html", "text/html"], ["x.js", "text/javascript"], ["bild.svg", "image/svg+xml"]] as const) {
      expect((await upload(name, type, "<script>alert(1)</script>")).status).toBe(200);
      const response = await lastFile();
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/octet-stream");
      expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
      expect(response.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-security-policy")).toBe("sandbox");
      expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(await response.text()).toBe("<script>alert(1)</script>");
    }
    // ?download=0 or anything else changes nothing.
    const id = fake.messages(ANNA).at(-1)!.document!.file_id;
    expect((await fetch(`${server.url}/files/${id}?download=0`)).headers.get("content-disposition")).toMatch(/^attachment/);
  });

  it("shows photos inline with their image type", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");
    expect((await upload("foto.png", "image/png", png)).status).toBe(200);
    const response = await lastFile();
    expect(response.headers.get("content-type")).toMatch(/^image\/(jpeg|png)$/); // the fake stores photos as JPEG
    expect(response.headers.get("content-disposition")).toMatch(/^inline; /);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
  });

  it("quotes file names safely in Content-Disposition", () => {
    expect(dispositionName('a"b\\c;d%.txt')).toBe(`filename="a_b_c_d_.txt"; filename*=UTF-8''a%22b%5Cc%3Bd%25.txt`);
    expect(dispositionName("Grüße (1)'.json")).toBe(`filename="Gr__e (1)'.json"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%281%29%27.json`);
  });

  it("answers an upload over the size limit with 413 and a message", async () => {
    const response = await upload("gross.bin", "application/octet-stream", new Uint8Array(20 * 1024 * 1024 + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "too large (at most 20 MB)" });
    expect(fake.messages(ANNA)).toHaveLength(0);
  });

  it("filters a forum by topic before cutting to the newest 300 messages", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const created = await fake.handle("createForumTopic", { chat_id: STAFF_GROUP.id, name: "#1 · alt" });
    if (!created.ok) throw new Error(created.description);
    const thread = (created.result as { message_thread_id: number }).message_thread_id;
    for (let i = 0; i < 3; i += 1) expect((await post("/api/send", { as: LENA, chat: STAFF_GROUP.id, text: `alt ${i}`, thread })).status).toBe(200);
    for (let i = 0; i < 310; i += 1) fake.userSendsText(LENA, `neu ${i}`, { chatId: STAFF_GROUP.id });

    const inTopic = await chatAt(`${server.url}/api/chat?id=${STAFF_GROUP.id}&thread=${thread}`);
    expect(inTopic.messages.map((m) => m.text).filter(Boolean)).toEqual(["alt 0", "alt 1", "alt 2"]);
    const general = await chatAt(`${server.url}/api/chat?id=${STAFF_GROUP.id}&thread=0`);
    expect(general.messages).toHaveLength(300);
    expect(general.messages.at(-1)!.text).toBe("neu 309");
    const unread = async (seen: string) =>
      (await chatAt(`${server.url}/api/chat?id=${STAFF_GROUP.id}&thread=0&seen=${seen}`)).topics.find((t) => t.message_thread_id === thread)!.unread;
    expect(await unread("")).toBe(4); // the "topic created" service message and three messages
    expect(await unread(`${thread}:${inTopic.messages.at(-2)!.message_id}`)).toBe(1);
  });
});
