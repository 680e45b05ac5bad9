import { defineCallback, flag, int, oneOf } from "../../core/callback-data.js";

/**
 * The directory's buttons. Prefixes: `hk` browsing (volunteers), `hke` the staff editor, `hkg`
 * linking a circle's own group, `hki` confirming a CSV import, `hkm` "Mein Helferkreis" in the
 * settings.
 */
const circleId = int(999_999_999);
const page = int(999);

export const directoryPage = defineCallback("hk:p:{page}", { page });
export const directoryMunicipality = defineCallback("hk:m:{municipalityId}", { municipalityId: int(999_999) });
export const directoryCircle = defineCallback("hk:c:{circleId}", { circleId });

/** Every button of the editor (`hke:`). */
export const EDITOR_BUTTONS = /^hke:/;

export const EDITABLE_PARTS = ["name", "municipalities", "contacts", "meeting", "description", "published"] as const;
export type EditablePart = (typeof EDITABLE_PARTS)[number];

/**
 * Editor steps without a value: municipalities done, contact add/done, yes/no, save, unlink the
 * circle's group, remove, confirm removal.
 */
export const editorStep = defineCallback("hke:{action}", { action: oneOf(["md", "ca", "cd", "y", "n", "s", "u", "r", "ry"] as const) });
export const editorCancel = defineCallback("hke:x");
export const editorPick = defineCallback("hke:pick:{circleId}", { circleId });
export const editorPage = defineCallback("hke:pg:{page}", { page });
export const editorPart = defineCallback("hke:e:{part}", { part: oneOf(EDITABLE_PARTS) });
/** Carries the value to set, like the volunteers' municipality picker. */
export const editorMunicipality = defineCallback("hke:m:{municipalityId}:{chosen}", { municipalityId: int(999_999_999), chosen: flag });
export const editorRemoveContact = defineCallback("hke:cr:{index}", { index: int(99) });

export type EditorButton =
  | { action: NonNullable<ReturnType<typeof editorStep.parse>>["action"] }
  | { action: "pick"; circleId: number }
  | { action: "pg"; page: number }
  | { action: "e"; part: EditablePart }
  | { action: "m"; municipalityId: number; chosen: boolean }
  | { action: "cr"; index: number };

/** Any editor button but cancel (the flow policy handles that), or undefined. */
export function parseEditorButton(data: string): EditorButton | undefined {
  const step = editorStep.parse(data);
  if (step) return step;
  const pick = editorPick.parse(data);
  if (pick) return { action: "pick", ...pick };
  const paging = editorPage.parse(data);
  if (paging) return { action: "pg", ...paging };
  const part = editorPart.parse(data);
  if (part) return { action: "e", ...part };
  const municipality = editorMunicipality.parse(data);
  if (municipality) return { action: "m", ...municipality };
  const contact = editorRemoveContact.parse(data);
  if (contact) return { action: "cr", ...contact };
  return undefined;
}

export const linkGroup = defineCallback("hkg:l:{circleId}", { circleId });
export const linkGroupPage = defineCallback("hkg:p:{page}", { page });
/** "Übernehmen" or "Abbrechen" under the summary of a checked CSV file (`token`: the file's message id). */
export const circleImport = defineCallback("hki:{answer}:{token}", { answer: oneOf(["ok", "x"] as const), token: int(9_999_999_999) });

/** "Mein Helferkreis": the picker at a page (also how the settings open it). */
export const myCirclesPage = defineCallback("hkm:p:{page}", { page });
/** Names a circle (on) or stops naming it: the state to set, so a replayed tap sets the same. */
export const myCircleToggle = defineCallback("hkm:t:{page}:{circleId}:{on}", { page, circleId, on: flag });
/** From a picker without circles: the directory. */
export const myCirclesDirectory = defineCallback("hkm:d");
