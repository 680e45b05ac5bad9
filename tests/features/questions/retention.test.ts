import { describe, expect, it } from "vitest";
import { PURGE_BATCH, purgeClosedTicketContents } from "../../../src/features/questions/repository.js";
import { freshDb } from "../../helpers/db.js";

const DAY = 86_400_000;

describe("retention at the scale of a region", () => {
  it("purges more closed tickets than SQLite takes bound values at once (33,000) in batches, each once, and none still open", () => {
    const db = freshDb();
    const now = Date.now();
    const sqlite = db.$client;
    sqlite.prepare("insert into users (id, first_name, consented_at, created_at, updated_at) values (1, 'Amina', ?, ?, ?)").run(now, now, now);
    const ticket = sqlite.prepare(
      "insert into tickets (id, volunteer_id, source_key, topic, volunteer_label, status, created_at, last_volunteer_at, closed_at) values (?, 1, ?, 'arbeit', 'Amina', ?, ?, ?, ?)",
    );
    const message = sqlite.prepare("insert into ticket_messages (ticket_id, direction, author_id, text, created_at) values (?, 'in', 1, 'Wer zahlt die Kaution?', ?)");
    const closed = 33_000;
    sqlite.transaction(() => {
      for (let id = 1; id <= closed + 10; id++) {
        const open = id > closed;
        ticket.run(id, `m:1:${id}`, open ? "open" : "closed", now - 400 * DAY, now - 400 * DAY, open ? null : now - 300 * DAY);
        message.run(id, now - 400 * DAY);
      }
    })();

    const batches: number[] = [];
    for (let batch = -1; batch !== 0; ) {
      batch = purgeClosedTicketContents(db, new Date(now - 180 * DAY), new Date(now));
      batches.push(batch);
    }
    expect(batches.reduce((sum, n) => sum + n, 0)).toBe(closed);
    expect(Math.max(...batches)).toBe(PURGE_BATCH);
    expect(sqlite.prepare("select count(*) as n from ticket_messages where text is not null").get()).toEqual({ n: 10 });
    expect(sqlite.prepare("select count(*) as n from tickets where content_purged_at is not null").get()).toEqual({ n: closed });
    expect(purgeClosedTicketContents(db, new Date(now - 180 * DAY), new Date(now))).toBe(0);
  });
});
