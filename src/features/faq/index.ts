import type { Locale } from "../../config.js";
import type { Feature, FeatureDeps } from "../../core/feature.js";
import type { Translate } from "../../core/i18n.js";
import { createBrowser } from "./browser.js";
import { formatFaqCard, type FaqCardEntry } from "./card.js";
import { createDraftStarter } from "./drafts.js";
import { createFaqEditor, FAQ_EDITOR, FAQ_EDITOR_EXIT } from "./editor.js";
import { createFaqService } from "./service.js";

export { DEFAULT_TOPIC, isTopic, TOPICS, type Topic } from "./topics.js";
export type { FaqPrefill } from "./rules.js";
// For the local sandbox (src/sandbox): a few example entries.
export { seedExampleFaq } from "./seed.js";

/**
 * Frequently asked questions with the team's answers: volunteers browse them by topic, staff
 * write and edit them (also from a ticket's answer), and new questions are matched against them.
 */
export function faqFeature(deps: FeatureDeps) {
  const service = createFaqService({ db: deps.db, clock: deps.clock, audit: deps.audit });
  const browser = createBrowser(service, deps.config.staffChatId);
  const startDraft = createDraftStarter(service, browser.enterEditor);

  const feature: Feature = {
    name: "faq",
    middleware: { staff: browser.staff, main: browser.browsing },
    flows: [{ id: FAQ_EDITOR, builder: createFaqEditor(service), exit: FAQ_EDITOR_EXIT }],
    commands: [{ command: "faq", scope: "private", description: "commands.faq", order: 40 }],
    menu: [{ label: "menu.faq", order: 20, command: "faq", open: browser.showTopics }],
  };

  /** What other features use: matches for a new question, cards, drafts from a ticket. */
  const api = {
    /** Up to three entries resembling a text, in the reader's language first. */
    match: (text: string, locale: Locale) => service.match(text, locale),
    card: (t: Translate, entry: FaqCardEntry) => formatFaqCard(t, entry),
    startDraft,
  };
  return { feature, api };
}

export type FaqApi = ReturnType<typeof faqFeature>["api"];
