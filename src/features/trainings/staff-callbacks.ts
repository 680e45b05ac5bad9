import { defineCallback, flag, int, oneOf } from "../../core/callback-data.js";

/**
 * Staff's buttons. `trx` belongs to the creation and edit flow (a running flow takes them; a
 * stale one is answered as such), `trs` to the tools outside it: the list of trainings, a
 * training's staff card, cancelling, the attendee list and attendance.
 */
const id = int(999_999_999);
const page = int(999);
/** Telegram user ids fit in 52 bits. */
const userId = int(9_999_999_999_999);

/** The parts of a training the preview can change (in this order). */
export const DRAFT_PARTS = ["title", "start", "end", "place", "description", "capacity", "deadline", "audience"] as const;
export type DraftPart = (typeof DRAFT_PARTS)[number];

export const flowCancel = defineCallback("trx:x");
/** From the preview: change one part. */
export const changePart = defineCallback("trx:p:{part}", { part: oneOf(DRAFT_PARTS) });
/** "Veröffentlichen" (new) or "Speichern" (edit). */
export const confirm = defineCallback("trx:ok");
/** "none" for an optional step (description, capacity, deadline). */
export const none = defineCallback("trx:n");
export const audienceKind = defineCallback("trx:a:{kind}", { kind: oneOf(["all", "mun", "circ"] as const) });
export const toggleMunicipality = defineCallback("trx:m:{id}:{on}:{page}", { id, on: flag, page });
export const municipalityPage = defineCallback("trx:mp:{page}", { page });
export const toggleCircle = defineCallback("trx:c:{id}:{on}", { id, on: flag });
/** Back to the choice of audience kind. */
export const audienceBack = defineCallback("trx:b");
/** A selection of municipalities or circles is complete. */
export const audienceDone = defineCallback("trx:d");
/** Every button of the flow. */
export const FLOW_BUTTONS = /^trx:/;

/** Which list: the trainings to manage, or straight to their attendees. */
export const list = defineCallback("trs:l:{to}", { to: oneOf(["manage", "people"] as const) });
/** A training's staff card with its tools. */
export const manage = defineCallback("trs:t:{id}", { id });
export const edit = defineCallback("trs:e:{id}", { id });
export const askCancel = defineCallback("trs:c:{id}", { id });
export const confirmCancel = defineCallback("trs:co:{id}", { id });
export const attendees = defineCallback("trs:p:{id}", { id });
/** Starts recording attendance (everyone ticked, or as saved before). */
export const attendance = defineCallback("trs:a:{id}", { id });
/** Sets one person's tick (the value to set, so a repeated tap changes nothing). */
export const tick = defineCallback("trs:at:{id}:{user}:{on}:{page}", { id, user: userId, on: flag, page });
export const attendancePage = defineCallback("trs:ap:{id}:{page}", { id, page });
export const saveAttendance = defineCallback("trs:as:{id}", { id });
