import { describe, expect, it } from "vitest";
import { createI18n } from "../../../src/core/i18n.js";
import { circlesToCsv, CSV_PROBLEM_KINDS, decodeCsvBytes, parseCirclesCsv } from "../../../src/features/circles/csv.js";
import { checkEmail, checkPhone, findMunicipalityByName, nameMatches, normalizeName, normalizeTelegramUsername, searchDirectory, type Circle } from "../../../src/features/circles/rules.js";

const MUNICIPALITIES = [
  { id: 1, name: "Fischen i. Allgäu" },
  { id: 2, name: "Sonthofen" },
  { id: 3, name: "Oy-Mittelberg" },
  { id: 4, name: "Wertach" },
];

function circle(id: number, name: string, municipalityIds: number[]): Circle {
  return {
    id,
    name,
    municipalityIds,
    municipalities: municipalityIds.map((m) => MUNICIPALITIES.find((x) => x.id === m)!.name),
    description: null,
    meetingTime: null,
    meetingPlace: null,
    published: true,
    contacts: [],
    telegramChatId: null,
    isExample: false,
    updatedAt: new Date(0),
  };
}

describe("name normalisation and matching", () => {
  it("folds case, umlauts both ways, accents, punctuation and 'i.'/'im'", () => {
    expect(normalizeName("Fischen i. Allgäu")).toBe("fischen i allgaeu");
    expect(normalizeName("FISCHEN IM ALLGAEU")).toBe("fischen i allgaeu");
    expect(normalizeName("Straße  Café-Öd")).toBe("strasse cafe oed");
    expect(normalizeName("Oy-Mittelberg")).toBe("oy mittelberg");
  });

  it("matches prefixes of words, the whole name without spaces, and ignores the filler", () => {
    expect(nameMatches("Fischen i. Allgäu", "fischen im allgaeu")).toBe(true);
    expect(nameMatches("Fischen i. Allgäu", "fischen allgäu")).toBe(true);
    expect(nameMatches("Fischen i. Allgäu", "Fischen in Allgaeu")).toBe(true);
    expect(nameMatches("Sonthofen", "sonth")).toBe(true);
    expect(nameMatches("Oy-Mittelberg", "oymittelberg")).toBe(true);
    expect(nameMatches("Oy-Mittelberg", "mittel")).toBe(true);
    expect(nameMatches("Sonthofen", "hofen sont")).toBe(false);
    expect(nameMatches("Sonthofen", "oberstdorf")).toBe(false);
    expect(nameMatches("Sonthofen", "  ")).toBe(false);
    expect(nameMatches("Fischen i. Allgäu", "im")).toBe(false);
  });

  it("also meets umlauts typed without dots: allgau finds Allgäu, muenchen and munchen both work", () => {
    expect(normalizeName("Fischen i. Allgäu", "fold")).toBe("fischen i allgau");
    expect(normalizeName("Straße Öd", "fold")).toBe("strasse od");
    expect(nameMatches("Fischen i. Allgäu", "allgau")).toBe(true);
    expect(nameMatches("Fischen i. Allgäu", "fischen im allgau")).toBe(true);
    expect(nameMatches("Fischen i. Allgäu", "ALLGÄU")).toBe(true);
    expect(nameMatches("Fischen i. Allgäu", "allgaeu")).toBe(true);
    expect(nameMatches("Lübeck", "lubeck")).toBe(true);
    expect(nameMatches("Lübeck", "luebeck")).toBe(true);
    expect(nameMatches("Lübeck", "lobeck")).toBe(false);
    expect(searchDirectory("allgau", [circle(1, "Helferkreis Oberes Illertal", [1])], MUNICIPALITIES).circles.map((c) => c.id)).toEqual([1]);
    expect(findMunicipalityByName(MUNICIPALITIES, "Fischen im Allgau")?.id).toBe(1);
  });

  it("matches only at the starts of words in wordStart mode", () => {
    expect(nameMatches("Sonthofen", "hofen")).toBe(true);
    expect(nameMatches("Sonthofen", "hofen", "wordStart")).toBe(false);
    expect(nameMatches("Sonthofen", "sonth", "wordStart")).toBe(true);
    expect(nameMatches("Oy-Mittelberg", "mittel", "wordStart")).toBe(true);
    expect(nameMatches("Oy-Mittelberg", "oymittelberg", "wordStart")).toBe(true);
    expect(nameMatches("Oy-Mittelberg", "ymittel", "wordStart")).toBe(false);
    expect(nameMatches("Fischen i. Allgäu", "allgau", "wordStart")).toBe(true);
    const circles = [circle(1, "Helferkreis Oberes Illertal", [1]), circle(2, "Asyl Sonthofen", [2])];
    expect(searchDirectory("kreis", circles, MUNICIPALITIES).circles.map((c) => c.id)).toEqual([1]);
    expect(searchDirectory("kreis", circles, MUNICIPALITIES, "wordStart").circles).toEqual([]);
  });

  it("searches circles by name and municipality and lists municipalities without a circle", () => {
    const circles = [circle(1, "Helferkreis Oberes Illertal", [1]), circle(2, "Asyl Sonthofen", [2])];
    expect(searchDirectory("fischen im allgaeu", circles, MUNICIPALITIES).circles.map((c) => c.id)).toEqual([1]);
    expect(searchDirectory("illertal", circles, MUNICIPALITIES).circles.map((c) => c.id)).toEqual([1]);
    expect(searchDirectory("wertach", circles, MUNICIPALITIES)).toEqual({ circles: [], uncovered: [{ id: 4, name: "Wertach" }] });
    expect(searchDirectory("kempten", circles, MUNICIPALITIES)).toEqual({ circles: [], uncovered: [] });
  });

  it("checks contact details", () => {
    expect(checkEmail("a.b@example.org")).toBeUndefined();
    expect(checkEmail("a@b")).toBe("badEmail");
    expect(checkEmail("<a>@example.org")).toBe("badEmail");
    expect(checkPhone("+49 8321 12345")).toBeUndefined();
    expect(checkPhone("08321/123-45")).toBeUndefined();
    expect(checkPhone("call me")).toBe("badPhone");
    expect(normalizeTelegramUsername("https://t.me/maria_k")).toBe("maria_k");
    expect(normalizeTelegramUsername("@maria_k")).toBe("maria_k");
  });
});

describe("CSV", () => {
  const header = "name;gemeinden;beschreibung;treffen_zeit;treffen_ort;veroeffentlicht;kontakt1_name;kontakt1_telefon;kontakt1_email;kontakt1_telegram;kontakt1_veroeffentlicht";

  it("reads semicolon and comma files, with and without BOM, tolerant of how municipalities are written", () => {
    const semicolon = `\uFEFF${header}\r\nKreis A;"Fischen im Allgaeu, sonthofen";"Text; mit Semikolon";;;ja;Maria;+49 8321 1;m@example.org;@maria_k;ja\r\n`;
    const comma = `${header.replaceAll(";", ",")}\nKreis A,"Fischen im Allgaeu; sonthofen","Text; mit Semikolon",,,ja,Maria,+49 8321 1,m@example.org,@maria_k,ja\n`;
    for (const file of [semicolon, comma, new TextEncoder().encode(semicolon)]) {
      const result = parseCirclesCsv(file, MUNICIPALITIES);
      expect(result).toEqual({
        ok: true,
        circles: [
          {
            name: "Kreis A",
            municipalityIds: [1, 2],
            description: "Text; mit Semikolon",
            meetingTime: null,
            meetingPlace: null,
            published: true,
            contacts: [{ name: "Maria", phone: "+49 8321 1", email: "m@example.org", telegramUsername: "maria_k", published: true }],
          },
        ],
      });
    }
  });

  it("reads Windows-1252 (German Excel's CSV) when a file is not valid UTF-8", () => {
    // Windows-1252 by hand: Latin-1 for letters like ü and é, its own bytes for „ “ and €.
    const special: Record<string, number> = { "„": 0x84, "“": 0x93, "€": 0x80 };
    const windows1252 = (text: string) => Uint8Array.from([...text], (char) => special[char] ?? char.charCodeAt(0));
    const bytes = windows1252(`${header}\r\nHelferkreis Bühl;Fischen i. Allgäu;„Café“ für 5 €;;;ja;Jürgen Weiß;;;;ja\r\n`);
    expect(decodeCsvBytes(bytes)).toContain("Helferkreis Bühl;Fischen i. Allgäu;„Café“ für 5 €");
    const result = parseCirclesCsv(bytes, MUNICIPALITIES);
    expect(result).toMatchObject({
      ok: true,
      circles: [{ name: "Helferkreis Bühl", municipalityIds: [1], description: "„Café“ für 5 €", contacts: [{ name: "Jürgen Weiß" }] }],
    });
    // Valid UTF-8 stays UTF-8 (its bytes would read as "BÃ¼hl" in Windows-1252).
    expect(decodeCsvBytes(new TextEncoder().encode("\uFEFFBühl"))).toBe("Bühl");
  });

  it("reports every problem with its line number", () => {
    const file = [
      header,
      ";Sonthofen;;;;;;;;;",
      "Kreis B;Kempten;;;;vielleicht;;;;;",
      "Kreis C;;;;;;Hans;12;keine-mail;@x;ja",
      "Kreis B;Wertach;;;;;;;;;",
      '"Kreis D";Wertach;"zwei',
      'Zeilen";;;;;;;;',
      "Kreis D;Wertach;;;;;;;m@example.org;;",
    ].join("\n");
    const result = parseCirclesCsv(file, MUNICIPALITIES);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.line, p.kind, p.value])).toEqual([
      [2, "missing", undefined],
      [3, "unknownMunicipality", "Kempten"],
      [3, "badYesNo", "vielleicht"],
      [4, "noMunicipality", undefined],
      [4, "badPhone", "12"],
      [4, "badEmail", "keine-mail"],
      [4, "badTelegram", "@x"],
      [5, "duplicateName", "Kreis B"],
      [8, "duplicateName", "Kreis D"],
      [8, "contactWithoutName", undefined],
    ]);
  });

  it("rejects unknown and missing columns and empty files", () => {
    expect(parseCirclesCsv("name;ort\nA;B\n", MUNICIPALITIES)).toEqual({
      ok: false,
      problems: [
        { line: 1, kind: "unknownColumn", column: "ort" },
        { line: 1, kind: "missingColumn", column: "gemeinden" },
      ],
    });
    expect(parseCirclesCsv("\uFEFF  \n", MUNICIPALITIES)).toEqual({ ok: false, problems: [{ line: 1, kind: "empty" }] });
  });

  it("says where the quoting is broken", () => {
    const result = parseCirclesCsv('name;gemeinden\nA;Sonthofen\n"B;Wertach\n', MUNICIPALITIES);
    expect(result).toEqual({ ok: false, problems: [{ line: 3, kind: "unreadable" }] });
  });

  it("has a text for every kind of problem in every language", () => {
    const i18n = createI18n({ operator: "", staffTitle: "" });
    for (const locale of ["de", "en"] as const) {
      for (const kind of CSV_PROBLEM_KINDS) {
        const key = `circles.csv.problem.${kind}`;
        expect(i18n.forLocale(locale)(key), `${locale} ${kind}`).not.toBe(key);
      }
    }
  });

  it("writes what it reads", () => {
    const a = { ...circle(1, 'Kreis "A"; mit Zeichen', [1, 2]), description: "Zwei\nZeilen, Komma", published: false };
    a.contacts = [
      { name: "Maria", phone: "+49 8321 1", email: null, telegramUsername: "maria_k", published: true },
      { name: "Paul", phone: null, email: "p@example.org", telegramUsername: null, published: false },
      { name: "Ida", phone: null, email: null, telegramUsername: null, published: true },
    ];
    const csv = circlesToCsv([a, circle(2, "B", [4])]);
    expect(csv.startsWith("\uFEFFname;gemeinden;")).toBe(true);
    const back = parseCirclesCsv(csv, MUNICIPALITIES);
    expect(back).toEqual({
      ok: true,
      circles: [a, circle(2, "B", [4])].map(({ name, municipalityIds, description, meetingTime, meetingPlace, published, contacts }) => ({
        name, municipalityIds, description, meetingTime, meetingPlace, published, contacts,
      })),
    });
  });
});
