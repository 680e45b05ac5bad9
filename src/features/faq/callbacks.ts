import { SUPPORTED_LOCALES } from "../../config.js";
import { defineCallback, int, oneOf } from "../../core/callback-data.js";
import { TOPICS } from "./topics.js";

/** The FAQ's buttons. Prefixes: `faq` browsing and staff actions, `fqe` the editor. */
const id = int(999_999_999);
const page = int(999);
const topic = oneOf(TOPICS);

export const topics = defineCallback("faq:top");
export const list = defineCallback("faq:l:{topic}:{page}", { topic, page });
/** `page`: the list page to go back to. */
export const entry = defineCallback("faq:e:{id}:{page}", { id, page });
// Staff only, from here on.
export const create = defineCallback("faq:new");
export const edit = defineCallback("faq:ed:{id}", { id });
export const askDelete = defineCallback("faq:del:{id}:{page}", { id, page });
/** Carries the topic, so the list shown after the deletion is the same on a replay. */
export const confirmDelete = defineCallback("faq:delok:{id}:{topic}:{page}", { id, topic, page });
/** Opens a draft prepared by `startDraft` (0 = not from a ticket). */
export const draft = defineCallback("faq:dr:{ticketId}", { ticketId: id });

/** The editor's buttons. */
export const editorCancel = defineCallback("fqe:x");
export const editorSave = defineCallback("fqe:s");
export const editorTopic = defineCallback("fqe:t:{topic}", { topic });
export const editorChange = defineCallback("fqe:c:{field}", { field: oneOf(["topic", "question", "answer"] as const) });
export const editorLanguage = defineCallback("fqe:l:{locale}", { locale: oneOf(SUPPORTED_LOCALES) });
/** Every button of the editor (`fqe:`). */
export const EDITOR_BUTTONS = /^fqe:/;

export type FaqAction =
  | { kind: "topics" }
  | ({ kind: "list" } & NonNullable<ReturnType<typeof list.parse>>)
  | ({ kind: "entry" } & NonNullable<ReturnType<typeof entry.parse>>)
  | { kind: "create" }
  | ({ kind: "edit" } & NonNullable<ReturnType<typeof edit.parse>>)
  | ({ kind: "askDelete" } & NonNullable<ReturnType<typeof askDelete.parse>>)
  | ({ kind: "confirmDelete" } & NonNullable<ReturnType<typeof confirmDelete.parse>>)
  | ({ kind: "draft" } & NonNullable<ReturnType<typeof draft.parse>>);

const ACTIONS = { topics, list, entry, create, edit, askDelete, confirmDelete, draft } as const;

/** Actions only staff may take; for anyone else such a button is forged or stale. */
export const STAFF_ACTIONS: ReadonlySet<FaqAction["kind"]> = new Set(["create", "edit", "askDelete", "confirmDelete", "draft"]);

/** Any `faq:` button as one action; undefined for anything malformed (answer it as stale). */
export function parseFaqAction(data: string): FaqAction | undefined {
  for (const [kind, button] of Object.entries(ACTIONS)) {
    const values = button.parse(data);
    if (values) return { kind, ...values } as FaqAction;
  }
  return undefined;
}

/** Matches every `faq:` button (routing; `parseFaqAction` says which). */
export const ANY_FAQ_BUTTON = /^faq:/;
