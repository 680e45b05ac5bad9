import { defineCallback, int } from "../../core/callback-data.js";

/**
 * Trainings' buttons. Prefixes: `trv` what volunteers press (list, details, registration,
 * calendar file, certificate), `trs` staff's tools outside flows (attendee list, attendance,
 * edit, cancel), `trx` the creation and edit flow (its own).
 */
const id = int(999_999_999);
const page = int(999);

/** Details of a training as a new message (the button under every notice and in /meineschulungen). */
export const details = defineCallback("trv:d:{id}", { id });
/** A page of /schulungen, in place (also "back to the list" from details). */
export const list = defineCallback("trv:l:{page}", { page });
/** Details in place of the list (`page`: where "back to the list" returns). */
export const show = defineCallback("trv:s:{id}:{page}", { id, page });
export const register = defineCallback("trv:r:{id}:{page}", { id, page });
/** "Abmelden": asks first. */
export const askUnregister = defineCallback("trv:u:{id}:{page}", { id, page });
/** "Ja, abmelden". */
export const confirmUnregister = defineCallback("trv:uo:{id}:{page}", { id, page });
export const calendar = defineCallback("trv:ics:{id}", { id });
export const mine = defineCallback("trv:m");
export const certificate = defineCallback("trv:c:{id}", { id });

/** The buttons of the flow asking the name for a certificate (`trv:n:`). */
export const CERTIFICATE_NAME_BUTTONS = /^trv:n:/;
export const cancelCertificateName = defineCallback("trv:n:x");
