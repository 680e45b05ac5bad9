import { defineCallback, flag, int, oneOf } from "../../core/callback-data.js";
import { TOPICS } from "../faq/index.js";

/** The questions' buttons. Prefixes: `q` asking a question, `tk` a ticket's staff buttons, `rt` a volunteer's rating. */
const ticketId = int(9_999_999_999);

/** Every button of the question flow (`q:`). */
export const FLOW_BUTTONS = /^q:/;
export const topic = defineCallback("q:t:{topic}", { topic: oneOf(TOPICS) });
export const send = defineCallback("q:send");
export const cancel = defineCallback("q:cancel");
/** "The FAQ answered it": the question is not sent. */
export const solved = defineCallback("q:solved");
/** The buttons under a ticket's header in the staff group. */
export const ticket = defineCallback("tk:{action}:{ticketId}", { action: oneOf(["take", "close", "faq"] as const), ticketId });
export const rating = defineCallback("rt:{ticketId}:{helpful}", { ticketId, helpful: flag });
/** "▶️ More" under /offen: the page after the ticket created at `at` (ms) with id `id`; 0/0 is the first page. */
export const openPage = defineCallback("tko:{at}:{id}", { at: int(9_999_999_999_999), id: ticketId });
