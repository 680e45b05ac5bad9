import { describe, expect, it } from "vitest";
import { createI18n } from "../../../src/core/i18n.js";
import type { AudienceChoices, BroadcastView } from "../../../src/features/broadcasts/service.js";
import { MAX_MESSAGE_LENGTH, audienceLabel, cutHtml, listText } from "../../../src/features/broadcasts/texts.js";

const i18n = createI18n({ operator: "x", staffTitle: "y", retentionDays: 180 });
const t = i18n.forLocale("de");

/** Circles with hostile names of 100 characters (escaped: far longer). */
const choices: AudienceChoices = {
  all: 0,
  municipalities: [],
  circles: Array.from({ length: 6 }, (_, i) => ({ id: i + 1, name: `${i}${"&<".repeat(50)}`.slice(0, 100), volunteers: 1, hasGroup: false })),
  groups: 0,
  trainings: [{ id: 7, title: "Recht & <Ordnung>", startsAt: 0, registrants: 2 }],
};
const counts = { pending: 0, sending: 0, sent: 0, blocked: 0, gone: 0, failed: 0, skipped: 0 };

function view(id: number, status: "scheduled" | "done"): BroadcastView {
  const at = new Date("2026-12-24T08:00:00Z");
  return {
    broadcast: { jobId: id, authorId: 1, audience: { kind: "circles", ids: [1, 2, 3, 4, 5, 6], withGroups: false }, volunteers: 1, groups: 0, createdAt: at },
    job: { id, kind: "broadcast", key: `k${id}`, content: null, status, priority: 0, sendAt: at, createdBy: 1, createdAt: at, startedAt: null, finishedAt: status === "done" ? at : null, endReason: null, sent: 0, blocked: 0, gone: 0, failed: 0, skipped: 0, reportedAt: null, startAnnouncedAt: null },
    counts,
  } as BroadcastView;
}

describe("broadcast texts", () => {
  it("labels a training's registrants by its title, escaped", () => {
    expect(audienceLabel(t, "de", { kind: "training", trainingId: 7 }, choices)).toBe("Angemeldete der Schulung „Recht &amp; &lt;Ordnung&gt;“");
    expect(audienceLabel(t, "de", { kind: "training", trainingId: 8 }, choices)).toBe("Angemeldete der Schulung #8");
  });

  it("names at most three, then how many more", () => {
    expect(audienceLabel(t, "de", view(1, "done").broadcast.audience, choices)).toMatch(/^Helferkreise: [^,]+, [^,]+, [^,]+ und 3 weitere$/);
    expect(audienceLabel(i18n.forLocale("en"), "en", view(1, "done").broadcast.audience, choices)).toMatch(/ and 3 more$/);
  });

  it("drops ended entries first, keeps every open one, and cuts only between tags and entities", () => {
    const views = [...Array.from({ length: 12 }, (_, i) => view(i + 1, "scheduled")), view(13, "done"), view(14, "done")];
    const { text, views: shown } = listText(t, "de", "Europe/Berlin", views, choices);
    expect(text.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(shown.map((v) => v.job.id)).toEqual(views.slice(0, 12).map((v) => v.job.id));
    expect(text.endsWith("…")).toBe(true);
    expect(text).not.toMatch(/&[a-z]*…|&[a-z]*$|<[^>]*$/);
    expect(text.match(/<b>/g)?.length).toBe(text.match(/<\/b>/g)?.length);
  });

  it("cuts HTML safely", () => {
    expect(cutHtml("<b>abc</b>", 100)).toBe("<b>abc</b>");
    expect(cutHtml("<b>a&amp;b</b>c", 10)).toBe("<b>a…</b>");
    expect(cutHtml("<b>a&amp;b</b>c", 14)).toBe("<b>a&amp;…</b>");
    expect(cutHtml("x".repeat(20), 10)).toBe(`${"x".repeat(9)}…`);
  });
});
