import { describe, expect, it } from "vitest";
import { CALLBACK_DATA_LIMIT, defineCallback, flag, int, oneOf, type CallbackDef } from "../../src/core/callback-data.js";
import * as account from "../../src/features/account/callbacks.js";
import * as circles from "../../src/features/circles/callbacks.js";
import * as faq from "../../src/features/faq/callbacks.js";
import * as questions from "../../src/features/questions/callbacks.js";

describe("defineCallback", () => {
  const choice = defineCallback("x:{id}:{on}:{kind}", { id: int(999), on: flag, kind: oneOf(["a", "bb"] as const) });

  it("packs and parses with one definition", () => {
    expect(choice.pack({ id: 12, on: true, kind: "bb" })).toBe("x:12:1:bb");
    expect(choice.parse("x:12:1:bb")).toEqual({ id: 12, on: true, kind: "bb" });
    expect(choice.pattern.test("x:12:1:bb")).toBe(true);
    expect(choice.maxLength).toBe("x:999:1:bb".length);
  });

  it("refuses data of another shape or out of range (forged or stale buttons)", () => {
    for (const data of ["x:12:1:c", "x:1000:1:a", "x:12:2:a", "x:12:1:a:extra", "y:12:1:a", "x::1:a", "x:-1:1:a"]) expect(choice.parse(data)).toBeUndefined();
  });

  it("will not pack values it could not parse back", () => {
    expect(() => choice.pack({ id: 1000, on: true, kind: "a" })).toThrow(RangeError);
    expect(() => choice.pack({ id: 1.5, on: true, kind: "a" })).toThrow(RangeError);
    expect(() => choice.pack({ id: 1, on: true, kind: "c" as "a" })).toThrow(RangeError);
  });

  it("refuses, when defined, a template that could exceed 64 bytes or does not match its fields", () => {
    expect(() => defineCallback(`${"y".repeat(60)}:{id}`, { id: int(99_999) })).toThrow(/64/);
    expect(() => defineCallback("y:{id}", {})).toThrow(/do not match/);
    expect(() => defineCallback("y:{id}", { id: int(9), other: flag })).toThrow(/do not match/);
    expect(() => oneOf(["a:b"])).toThrow();
  });
});

/** Every button definition of every feature, with the name it is exported under. */
const definitions: Array<[string, CallbackDef<Record<string, unknown>>]> = Object.entries({ account, circles, faq, questions }).flatMap(([feature, module]) =>
  Object.entries(module)
    .filter((entry): entry is [string, CallbackDef<Record<string, unknown>>] => typeof entry[1] === "object" && entry[1] !== null && "pack" in entry[1])
    .map(([name, def]) => [`${feature}.${name}`, def] as [string, CallbackDef<Record<string, unknown>>]),
);

describe("the features' buttons", () => {
  it("are all within Telegram's 64 bytes, even for the largest values", () => {
    expect(definitions.length).toBeGreaterThan(30);
    for (const [name, def] of definitions) expect(def.maxLength, name).toBeLessThanOrEqual(CALLBACK_DATA_LIMIT);
  });

  it("never overlap: data one definition packs is parsed by no other", () => {
    const samples: Record<string, string> = {
      "account.consent": account.consent.pack({ answer: "yes" }),
      "account.onboardingLanguage": account.onboardingLanguage.pack({ locale: "en" }),
      "account.settingsLanguage": account.settingsLanguage.pack({ locale: "de" }),
      "account.municipalityChoice": account.municipalityChoice.pack({ origin: "set", page: 2, municipalityId: 12, chosen: false }),
      "account.municipalityPage": account.municipalityPage.pack({ origin: "ob", page: 1 }),
      "account.onboardingMunicipalitiesDone": account.onboardingMunicipalitiesDone.pack(),
      "account.settingsMunicipalitiesDone": account.settingsMunicipalitiesDone.pack(),
      "account.settings": account.settings.pack({ action: "back" }),
      "account.notification": account.notification.pack({ kind: "tr", on: true }),
      "account.deletion": account.deletion.pack({ answer: "no" }),
      "circles.editorStep": circles.editorStep.pack({ action: "md" }),
      "circles.editorCancel": circles.editorCancel.pack(),
      "circles.editorPick": circles.editorPick.pack({ circleId: 3 }),
      "circles.editorPage": circles.editorPage.pack({ page: 1 }),
      "circles.editorPart": circles.editorPart.pack({ part: "meeting" }),
      "circles.editorMunicipality": circles.editorMunicipality.pack({ municipalityId: 4, chosen: true }),
      "circles.editorRemoveContact": circles.editorRemoveContact.pack({ index: 0 }),
      "circles.myCirclesPage": circles.myCirclesPage.pack({ page: 0 }),
      "circles.myCircleToggle": circles.myCircleToggle.pack({ page: 1, circleId: 3, on: true }),
      "circles.myCirclesDirectory": circles.myCirclesDirectory.pack(),
      "faq.topics": faq.topics.pack(),
      "faq.create": faq.create.pack(),
      "faq.list": faq.list.pack({ topic: "asyl", page: 0 }),
      "faq.confirmDelete": faq.confirmDelete.pack({ id: 1, topic: "asyl", page: 0 }),
      "faq.editorChange": faq.editorChange.pack({ field: "topic" }),
      "questions.topic": questions.topic.pack({ topic: "wohnen" }),
      "questions.send": questions.send.pack(),
      "questions.cancel": questions.cancel.pack(),
      "questions.solved": questions.solved.pack(),
    };
    for (const [owner, data] of Object.entries(samples)) {
      const parsedBy = definitions.filter(([, def]) => def.parse(data) !== undefined).map(([name]) => name);
      expect(parsedBy, data).toEqual([owner]);
    }
  });

  it("keep the data of buttons already sent to people (old messages keep working)", () => {
    expect(account.consent.pack({ answer: "yes" })).toBe("ob:yes");
    expect(account.onboardingLanguage.pack({ locale: "en" })).toBe("lang:ob:en");
    expect(account.municipalityChoice.pack({ origin: "set", page: 999, municipalityId: 999_999, chosen: true })).toBe("mun:set:s:999:999999:1");
    expect(account.municipalityPage.pack({ origin: "ob", page: 2 })).toBe("mun:ob:p:2");
    expect(account.settingsMunicipalitiesDone.pack()).toBe("mun:set:done");
    expect(account.notification.pack({ kind: "an", on: false })).toBe("set:nan:0");
    expect(account.settings.pack({ action: "del" })).toBe("set:del");
    expect(account.deletion.pack({ answer: "yes" })).toBe("del:yes");
    expect(questions.topic.pack({ topic: "arbeit" })).toBe("q:t:arbeit");
    expect(questions.ticket.pack({ action: "take", ticketId: 12 })).toBe("tk:take:12");
    expect(questions.rating.pack({ ticketId: 12, helpful: true })).toBe("rt:12:1");
    expect(faq.confirmDelete.pack({ id: 12, topic: "arbeit", page: 0 })).toBe("faq:delok:12:arbeit:0");
    expect(faq.draft.pack({ ticketId: 41 })).toBe("faq:dr:41");
    expect(faq.editorTopic.pack({ topic: "schule" })).toBe("fqe:t:schule");
    expect(faq.editorCancel.pack()).toBe("fqe:x");
    expect(circles.directoryMunicipality.pack({ municipalityId: 22 })).toBe("hk:m:22");
    expect(circles.editorMunicipality.pack({ municipalityId: 12, chosen: true })).toBe("hke:m:12:1");
    expect(circles.editorPart.pack({ part: "name" })).toBe("hke:e:name");
    expect(circles.linkGroup.pack({ circleId: 3 })).toBe("hkg:l:3");
    expect(circles.circleImport.pack({ answer: "ok", token: 55 })).toBe("hki:ok:55");
    expect(circles.myCircleToggle.pack({ page: 0, circleId: 7, on: false })).toBe("hkm:t:0:7:0");
    expect(circles.myCirclesPage.pack({ page: 2 })).toBe("hkm:p:2");
  });
});
