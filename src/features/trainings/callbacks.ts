import { defineCallback, int } from "../../core/callback-data.js";

/**
 * Trainings' buttons. Prefixes: `trv` what volunteers press (list, details, registration,
 * calendar file, certificate), `trs` staff's tools outside flows (attendee list, attendance,
 * edit, cancel), `trx` the creation and edit flow (its own).
 */
const id = int(999_999_999);
const page = int(999);

/** Details of a training (also the button under every notice). */
export const details = defineCallback("trv:d:{id}", { id });
export const list = defineCallback("trv:l:{page}", { page });
export const register = defineCallback("trv:r:{id}", { id });
export const askUnregister = defineCallback("trv:u:{id}", { id });
export const confirmUnregister = defineCallback("trv:uo:{id}", { id });
export const calendar = defineCallback("trv:ics:{id}", { id });
export const mine = defineCallback("trv:m");
export const certificate = defineCallback("trv:c:{id}", { id });
