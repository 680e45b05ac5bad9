/**
 * The sandbox in a real browser: `npm start` without a token (the embedded default) starts the
 * sandbox, and Debian's Chromium drives its page like a person would. Each step leaves a
 * screenshot in tests/sandbox/screenshots/ (ignored by git).
 *
 * The trainings test makes time pass for the example training only: once the volunteer has
 * registered, it moves the training's start and end into the past in the sandbox's database (a
 * second SQLite connection beside the running bot; WAL), as if the evening had come and gone.
 *
 * Needs /usr/bin/chromium (Debian: `apt-get install chromium`; `.ci/run` installs it). Without it
 * the test fails and says so; it is never skipped.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { chromium, type Browser, type Download, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { startBotProcess, type BotProcess } from "../helpers/bot-process.js";
import { tempDir } from "../helpers/db.js";
import { freePort } from "../helpers/e2e.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));
const HOSTILE = "<script>alert(1)</script> & <b>fett</b> 🙂 Darf sie eine Ausbildung anfangen?";
const ANSWER = "Ja, mit Erlaubnis der Ausländerbehörde. <i>Kein HTML</i> & keine Sorge.";
/** The sandbox's example training (src/features/trainings/seed.ts): a week ahead, 18:00–20:30, three seats. */
const TRAINING = "Asylrecht aktuell: Was Ehrenamtliche wissen sollten (Beispiel)";
const CERTIFICATE_NAME = "Anna Beispiel-Şahin";
const HOUR_MS = 3_600_000;

/** The text of a PDF as pdf.js reads it, whitespace runs (line breaks too) as one space. */
async function pdfText(pdf: Buffer): Promise<{ pages: number; text: string }> {
  const doc = await getDocument({ data: new Uint8Array(pdf), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    const parts: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      for (const item of (await (await doc.getPage(n)).getTextContent()).items) if ("str" in item) parts.push(item.str, item.hasEOL ? "\n" : "");
      parts.push("\n");
    }
    return { pages: doc.numPages, text: parts.join("").replace(/\s+/g, " ").trim() };
  } finally {
    await doc.destroy();
  }
}

describe("the sandbox in Chromium", () => {
  let sandbox: BotProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  let dir: string;
  let readyAfterMs: number;
  let step = 0;
  const errors: string[] = [];

  const shot = async (name: string) => {
    step += 1;
    await page.screenshot({ path: path.join(SCREENSHOTS, `${String(step).padStart(2, "0")}-${name}.png`) });
  };
  const privatePane = () => page.locator("#private-pane");
  const groupPane = () => page.locator("#group-pane");
  const botMessage = (pane: Locator, text: string | RegExp) => pane.locator("li.msg.from-bot", { hasText: text }).last();
  const messageCount = (pane: Locator) => pane.locator("li.msg[data-id]").count();
  const addVolunteer = async (name: string) => {
    await page.getByText("Ehrenamtliche hinzufügen").click();
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Telegram-Sprache").selectOption("de");
    await page.getByRole("button", { name: "Hinzufügen" }).click();
    await expect.poll(() => page.locator("#person option:checked").textContent()).toBe(`${name} (de)`);
  };
  const send = async (pane: Locator, text: string) => {
    await pane.getByRole("textbox", { name: "Nachricht" }).fill(text);
    await pane.getByRole("button", { name: "Senden", exact: true }).click();
  };
  /** The same message after the bot edits it (its text may no longer match what found it). */
  const pinned = async (pane: Locator, message: Locator): Promise<Locator> => {
    await message.waitFor({ timeout: 15_000 });
    return pane.locator(`li.msg[data-id="${await message.getAttribute("data-id")}"]`);
  };
  /** Chooses who the page acts as (the private chat is then theirs). */
  const actAs = async (name: string) => {
    await page.getByLabel("Privater Chat von").selectOption({ label: `${name} (de)` });
    await expect.poll(() => page.locator("#private-title").textContent()).toBe(`Privater Chat mit dem Bot: ${name}`);
  };
  /** Clicks a document in the chat and returns the download (Playwright's download event). */
  const download = async (file: Locator): Promise<{ download: Download; bytes: Buffer }> => {
    const [done] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), file.click()]);
    return { download: done, bytes: readFileSync((await done.path())!) };
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing: the browser tests need ${CHROMIUM} (Debian/Ubuntu: \`apt-get install chromium\`; ` +
          "or set CHROMIUM_PATH to a Chromium or Chrome binary). .ci/run installs it.",
      );
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    const started = Date.now();
    const port = await freePort();
    // No BOT_TOKEN and not production: `npm start` runs the sandbox.
    dir = tempDir("lotsenbot-sandbox-");
    sandbox = startBotProcess({ SANDBOX_PORT: String(port), SANDBOX_DIR: dir });
    const banner = await sandbox.waitForLine(/Kein BOT_TOKEN: die lokale Sandbox läuft auf http:\/\/127\.0\.0\.1:\d+/, 30_000);
    url = /http:\/\/127\.0\.0\.1:\d+/.exec(banner)![0];
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
    const context = await browser.newContext({ locale: "de-DE", timezoneId: "Europe/Berlin", viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(url);
    await page.locator("body[data-ready=true]").waitFor();
    readyAfterMs = Date.now() - started;
  }, 60_000);

  // No test may leave an error in the page's console.
  afterEach(() => {
    const seen = errors.splice(0);
    expect(seen).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    if (sandbox) {
      expect(await sandbox.kill("SIGINT")).toBe(0);
      expect(sandbox.lines.join("\n")).toContain("Sandbox gestoppt, Daten gesichert");
    }
  });

  it("a new volunteer onboards by clicking, asks, the team answers in the question's topic, a circle is found, /meinedaten downloads", async () => {
    onTestFailed(() => shot("failed"));
    // Measured, not asserted (the start-up's own timeout above is the bound); the README quotes it.
    console.log(`sandbox usable ${readyAfterMs} ms after npm start`);

    // A new volunteer, added with the form.
    await addVolunteer("Mira Neu");

    // Onboarding by clicking.
    await send(privatePane(), "/start");
    await botMessage(privatePane(), "Sind Sie damit einverstanden?").getByRole("button", { name: "✅ Einverstanden" }).click();
    // Enter on an inline button that edits its own message: the message changes in place (no
    // message more) and the keyboard focus stays on that button, not on <body>.
    const municipalities = botMessage(privatePane(), "In welcher Gemeinde");
    await municipalities.waitFor();
    const messageId = await municipalities.getAttribute("data-id");
    const before = await messageCount(privatePane());
    await municipalities.getByRole("button", { name: "Altusried" }).focus();
    await page.keyboard.press("Enter");
    await privatePane().locator(`li.msg[data-id="${messageId}"]`).getByRole("button", { name: "✅ Altusried" }).waitFor();
    expect(await messageCount(privatePane())).toBe(before);
    const focused = await page.evaluate(
      `({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent,
          message: document.activeElement?.closest("li.msg")?.getAttribute("data-id") })`,
    );
    expect(focused).toEqual({ tag: "BUTTON", text: "✅ Altusried", message: messageId });
    // The button no longer shows as pressed once the bot answered the callback.
    await expect.poll(() => privatePane().locator(".kb-button.pressed").count()).toBe(0);
    await botMessage(privatePane(), "In welcher Gemeinde").getByRole("button", { name: "✅ Fertig" }).click();
    await botMessage(privatePane(), "Alles bereit").waitFor();
    // Screen readers hear the new bot message from a small live region, not the whole lists again.
    expect(await page.locator("ol.messages[aria-live], ol.messages [aria-live]").count()).toBe(0);
    await expect.poll(() => page.locator("#announcer[aria-live=polite]").textContent()).toMatch(/^Neue Nachricht vom Bot: /);
    // The main menu is the persistent reply keyboard.
    const menu = privatePane().locator(".reply-keyboard");
    await menu.getByRole("button", { name: "❓ Frage stellen" }).waitFor();
    await shot("onboarded");

    // A question through the menu button, with text that must stay text.
    await menu.getByRole("button", { name: "❓ Frage stellen" }).click();
    await botMessage(privatePane(), "Worum geht es?").getByRole("button", { name: "Arbeit & Ausbildung" }).click();
    await botMessage(privatePane(), "Schreiben Sie jetzt Ihre Frage").waitFor();
    await send(privatePane(), HOSTILE);
    // The example FAQ has a similar entry; the bot offers it first.
    await botMessage(privatePane(), "Beantwortet das Ihre Frage?").getByRole("button", { name: "📨 Nein, Frage senden" }).click();
    await botMessage(privatePane(), "Ihre Frage #1 ist beim Lotsen-Team angekommen").waitFor();
    await shot("question-sent");

    // The team sees it in its own topic and answers there.
    const topic = groupPane().getByRole("button", { name: /#1 · Arbeit · Mira N\./ });
    await topic.click();
    await expect.poll(() => page.locator("#topic-title").textContent()).toBe("#1 · Arbeit · Mira N.");
    // Saving as FAQ before anyone answered: the bot answers with an alert, a dialog that Escape
    // closes, giving the focus back to the button that opened it.
    const saveFaq = botMessage(groupPane(), "Mira").getByRole("button", { name: "💾 Als FAQ speichern" });
    await saveFaq.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("alertdialog");
    await expect.poll(() => dialog.textContent()).toContain("noch keine Antwort");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("💾 Als FAQ speichern");
    // Its message was not edited, so the same button is there: no longer shown as pressed.
    await expect.poll(() => saveFaq.getAttribute("class")).not.toContain("pressed");
    // The question is quoted under its header (one message), escaped: shown as written.
    const copy = botMessage(groupPane(), "Darf sie eine Ausbildung anfangen?");
    expect(await copy.locator(".text blockquote").textContent()).toBe(HOSTILE);
    expect(await copy.locator(".text blockquote b, .text script").count()).toBe(0);
    await send(groupPane(), ANSWER);
    await groupPane().locator("li.msg.from-me", { hasText: "Kein HTML" }).waitFor();
    await shot("staff-answered");

    // The volunteer gets the answer.
    const answer = botMessage(privatePane(), "Antwort zu Ihrer Frage #1");
    await answer.waitFor();
    expect(await answer.locator(".text").textContent()).toContain(ANSWER);
    await shot("answer-received");

    // A circle, by search.
    await send(privatePane(), "/helferkreise Sonthofen");
    const card = botMessage(privatePane(), "Helferkreis Asyl Sonthofen (Beispiel)");
    await card.waitFor();
    // Bold as the entity says: the name, without the example mark.
    expect(await card.locator(".text strong").first().textContent()).toBe("Helferkreis Asyl Sonthofen");
    await shot("circle-found");

    // /meinedaten, chosen from the command list that "/" opens, offers a JSON file.
    const input = privatePane().getByRole("textbox", { name: "Nachricht" });
    await input.fill("");
    // Typed faster than the command list arrives (as on a slow machine): the list shows what
    // matches the whole input, not what matched "/".
    await page.route("**/api/commands?*", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    await input.pressSequentially("/meinedaten");
    const options = privatePane().getByRole("option");
    await options.first().waitFor();
    await expect.poll(() => options.allTextContents()).toEqual([expect.stringMatching(/^\/meinedaten /)]);
    await page.unrouteAll({ behavior: "wait" });
    await privatePane().getByRole("option", { name: /\/meinedaten/ }).click();
    const file = privatePane().locator("li.msg.from-bot a.file", { hasText: ".json" }).last();
    await file.waitFor();
    await shot("data-export");
    const [download] = await Promise.all([page.waitForEvent("download"), file.click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as Record<string, unknown>;
    const serialized = JSON.stringify(exported);
    expect(serialized).toContain("Mira");
    expect(serialized).toContain(HOSTILE);
  }, 60_000);

  it("a volunteer registers for the example training and gets the .ics; once staff took attendance, the certificate PDF", async () => {
    onTestFailed(() => shot("failed"));
    // Anna (an example volunteer) finds the example training with /schulungen and registers.
    await actAs("Anna Beispiel");
    await send(privatePane(), "/schulungen");
    const list = await pinned(privatePane(), botMessage(privatePane(), "Kommende Schulungen"));
    await list.getByRole("button", { name: /Asylrecht aktuell/ }).click();
    // The details replace the list in the same message, with three free seats.
    await list.getByRole("button", { name: "✅ Anmelden" }).waitFor({ timeout: 15_000 });
    expect(await list.locator(".text").textContent()).toContain("noch 3 von 3 Plätzen frei");
    await list.getByRole("button", { name: "✅ Anmelden" }).click();
    const ics = privatePane().locator("li.msg.from-bot", { hasText: `Sie sind angemeldet für „${TRAINING}“` }).last();
    await ics.waitFor({ timeout: 15_000 });
    await shot("training-registered");
    const calendar = await download(ics.locator("a.file", { hasText: ".ics" }));
    expect(calendar.download.suggestedFilename()).toBe("schulung-asylrecht-aktuell-was-ehrenamtliche-wissen.ics");
    // Content lines unfolded (RFC 5545 folds at 75 octets).
    const ical = calendar.bytes.toString("utf8").replace(/\r?\n[ \t]/g, "");
    expect(ical).toContain("BEGIN:VCALENDAR");
    expect(ical).toContain("BEGIN:VEVENT");
    expect(ical).toContain(`SUMMARY:${TRAINING}`);
    expect(ical).toMatch(/^DTSTART;TZID=Europe\/Berlin:\d{8}T180000\r?$/m);
    expect(ical).toMatch(/^DTEND;TZID=Europe\/Berlin:\d{8}T203000\r?$/m);

    // Lena (staff) opens the training in her private chat: no attendance before it has started.
    await actAs("Lena Lotsin (Beispiel)");
    await send(privatePane(), "/schulungen_verwalten");
    const manage = botMessage(privatePane(), "Tippen Sie auf eine, um sie zu bearbeiten");
    const open = manage.getByRole("button", { name: /Asylrecht aktuell/ });
    await open.click({ timeout: 15_000 });
    const before = botMessage(privatePane(), "Angemeldet: 1 · Warteliste: 0");
    await before.getByRole("button", { name: "👥 Teilnehmer" }).waitFor({ timeout: 15_000 });
    expect(await before.getByRole("button", { name: "✅ Anwesenheit erfassen" }).count()).toBe(0);

    // The evening comes and goes: the training now began three hours ago and ended half an hour ago.
    const startsAt = Date.now() - 3 * HOUR_MS;
    const db = new Database(path.join(dir, "lotsenbot.db"), { timeout: 10_000 });
    try {
      const moved = db.prepare("update trainings set starts_at = ?, ends_at = ? where title = ?").run(startsAt, startsAt + 2.5 * HOUR_MS, TRAINING);
      expect(moved.changes).toBe(1);
    } finally {
      db.close();
    }

    // Opened again, the card offers attendance: Anna is ticked; unticked and ticked again, then saved.
    const cards = privatePane().locator("li.msg.from-bot", { hasText: "Angemeldet: 1 · Warteliste: 0" });
    const cardsBefore = await cards.count();
    await open.click();
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(cardsBefore + 1);
    await cards.last().getByRole("button", { name: "✅ Anwesenheit erfassen" }).click();
    const attendance = await pinned(privatePane(), botMessage(privatePane(), `Anwesenheit: ${TRAINING}`));
    await attendance.getByRole("button", { name: "✅ Anna" }).click({ timeout: 15_000 });
    await expect.poll(() => attendance.locator(".text").textContent(), { timeout: 15_000 }).toContain("Anwesend: 0 von 1");
    await attendance.getByRole("button", { name: "⬜ Anna" }).click();
    await expect.poll(() => attendance.locator(".text").textContent(), { timeout: 15_000 }).toContain("Anwesend: 1 von 1");
    await attendance.getByRole("button", { name: "💾 Speichern" }).click();
    await expect.poll(() => attendance.locator(".text").textContent(), { timeout: 15_000 }).toBe(`✅ Anwesenheit für „${TRAINING}“ gespeichert: 1 von 1 waren da.`);
    await shot("attendance-saved");

    // Anna asks for her certificate: the first time the bot asks for the name to print.
    await actAs("Anna Beispiel");
    await send(privatePane(), "/meineschulungen");
    const mine = botMessage(privatePane(), "Eine Teilnahmebestätigung als PDF bekommen Sie");
    await mine.getByRole("button", { name: /^📄 Teilnahmebestätigung: Asylrecht aktuell/ }).click({ timeout: 15_000 });
    await botMessage(privatePane(), "Wie soll Ihr Name auf der Bestätigung stehen?").waitFor({ timeout: 15_000 });
    await send(privatePane(), CERTIFICATE_NAME);
    const certificate = botMessage(privatePane(), `Ihre Teilnahmebestätigung für „${TRAINING}“`);
    await certificate.waitFor({ timeout: 30_000 });
    await shot("certificate");
    const pdf = await download(certificate.locator("a.file", { hasText: ".pdf" }));
    expect(pdf.download.suggestedFilename()).toMatch(/^teilnahmebestaetigung-[\w-]+\.pdf$/);
    expect(pdf.bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const { pages, text } = await pdfText(pdf.bytes);
    expect(pages).toBe(1);
    expect(text).toContain("Teilnahmebestätigung");
    expect(text).toContain(CERTIFICATE_NAME);
    expect(text.replace(/\s+/g, "")).toContain(TRAINING.replace(/\s+/g, ""));
    expect(text).toContain("Dauer 2 Stunden 30 Minuten");
    // The number in the caption is the one printed.
    const number = /\(Nr\. ([^)]+)\)/.exec((await certificate.locator(".text").textContent()) ?? "")?.[1];
    expect(number).toBeDefined();
    expect(text).toContain(`Nummer ${number!}`);
  }, 120_000);

  it("stacks the two chats at phone width, without scrolling sideways even for a long name", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await addVolunteer("Maximiliane Theodora Konstantinopoulou-Wittelsbacher Schmid"); // 60 characters
    await privatePane().locator("h2", { hasText: "Konstantinopoulou" }).waitFor();
    const privateBox = (await privatePane().boundingBox())!;
    const groupBox = (await groupPane().boundingBox())!;
    expect(groupBox.y).toBeGreaterThanOrEqual(privateBox.y + privateBox.height);
    expect(privateBox.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
    await shot("phone-width");
  });

  it("shows an inline URL button without a safe URL as a disabled button", async () => {
    const buttons = await page.evaluate(`import("/render.js").then(({ renderMessage }) => {
      const message = { message_id: 1, date: 0, chat: { id: 1, type: "private" }, from: { id: 1 }, text: "x",
        reply_markup: { inline_keyboard: [[{ text: "böse", url: "javascript:alert(1)" }, { text: "gut", url: "https://example.org/" }]] } };
      const li = renderMessage(message, { t: (key) => key, me: 2, botId: 1, showSender: false });
      return [...li.querySelectorAll(".kb-button")].map((b) => [b.tagName, b.disabled === true, b.getAttribute("href")]);
    })`);
    expect(buttons).toEqual([["BUTTON", true, null], ["A", false, "https://example.org/"]]);
  });

  it("says so when a file is over the upload limit", async () => {
    await privatePane().getByLabel("Datei oder Foto senden").setInputFiles({ name: "gross.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(20 * 1024 * 1024 + 1) }, { timeout: 30_000 });
    // 20 MB through the page to its server: give a busy machine time.
    await page.getByRole("alert").locator(".toast", { hasText: "Die Datei ist zu groß (höchstens 20 MB)." }).waitFor({ timeout: 30_000 });
    // Chromium logs the 413 itself; that one is expected, nothing else.
    expect(errors.splice(0)).toEqual([expect.stringContaining("413")]);
  });

  it("shows a banner once the sandbox has stopped", async () => {
    expect(await sandbox.kill("SIGINT")).toBe(0);
    await page.getByRole("alert").filter({ hasText: "Sandbox ist beendet" }).waitFor();
    await shot("stopped");
    // The page keeps trying to reconnect; Chromium logs each refused connection.
    errors.splice(0);
  });
});
