import { defineCallback, flag, int, oneOf } from "../../core/callback-data.js";

/** Broadcasts' buttons. Prefixes: `bcx` the compose flow (its own), `bcl` the list (outside flows). */
const id = int(999_999_999);
const page = int(999);

export const cancel = defineCallback("bcx:x");
export const audienceKind = defineCallback("bcx:a:{kind}", { kind: oneOf(["all", "mun", "circ", "groups", "train"] as const) });
/** The registrants of this training. */
export const pickTraining = defineCallback("bcx:t:{id}", { id });
export const toggleMunicipality = defineCallback("bcx:m:{id}:{on}:{page}", { id, on: flag, page });
export const municipalityPage = defineCallback("bcx:mp:{page}", { page });
export const toggleCircle = defineCallback("bcx:c:{id}:{on}", { id, on: flag });
export const withGroups = defineCallback("bcx:g:{on}", { on: flag });
/** From a selection to the preview. */
export const done = defineCallback("bcx:ok");
/** Back to the choice of audience kind. */
export const back = defineCallback("bcx:b");
export const sendNow = defineCallback("bcx:now");
export const schedule = defineCallback("bcx:plan");
export const changeAudience = defineCallback("bcx:chg");
/** Every button of the compose flow. */
export const COMPOSE_BUTTONS = /^bcx:/;

export const list = defineCallback("bcl:list");
export const askStop = defineCallback("bcl:s:{id}", { id });
export const confirmStop = defineCallback("bcl:so:{id}", { id });
export const report = defineCallback("bcl:r:{id}", { id });
export const failures = defineCallback("bcl:f:{id}", { id });
