import { defineCallback, int, oneOf } from "../../core/callback-data.js";
import { PRESETS } from "./statistics.js";

/** Buttons of /protokoll (`opa`) and /statistik (`opr`). */
export const auditPage = defineCallback("opa:p:{page}", { page: int(99_999) });
export const statisticsPreset = defineCallback("opr:p:{preset}", { preset: oneOf(PRESETS) });
/** "Eigener Zeitraum": says how to type two dates. */
export const statisticsCustom = defineCallback("opr:c");
