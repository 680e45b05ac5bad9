import { Composer } from "grammy";
import type { BotContext } from "../../core/context.js";
import type { Feature, FeatureDeps, PersonalDataPart } from "../../core/feature.js";
import * as callbacks from "./callbacks.js";
import { identify } from "./identify.js";
import { createMembership } from "./membership.js";
import { createMunicipalityPicker } from "./municipality-picker.js";
import { createOnboarding } from "./onboarding.js";
import { createPrivacy } from "./privacy.js";
import { seedMunicipalities } from "./seed.js";
import { createAccountService } from "./service.js";
import { createSettings, type SettingsExtension } from "./settings.js";
import { activeVolunteerFigures } from "./statistics-repository.js";

// For entry points that run without a bot (the circles CLI): the municipalities as the bot seeds them.
export { OBERALLGAEU_MUNICIPALITIES, seedMunicipalities } from "./seed.js";
// For the local sandbox (src/sandbox): volunteers who have already onboarded.
export { seedExampleVolunteer, type ExampleVolunteer } from "./seed.js";
export { listMunicipalities } from "./repository.js";
/** Lists of municipalities are paged ten at a time (the picker here, the directory's list). */
export { MUNICIPALITIES_PER_PAGE } from "./keyboards.js";
export type { Municipality, User } from "./schema.js";
export type { SettingsExtension } from "./settings.js";
export type { NoticeTopic } from "./repository.js";

/**
 * People and their account: onboarding (consent, language, municipalities), who is writing,
 * settings, privacy (/datenschutz, /meinedaten, /loeschen over every feature's part), blocking,
 * the help entry of the menu.
 */
export function accountFeature(
  deps: FeatureDeps,
  wiring: {
    personalData: () => readonly PersonalDataPart[];
    /** Other features' settings in /einstellungen (e.g. the circles' "Mein Helferkreis"). */
    settingsExtensions: () => readonly SettingsExtension[];
  },
) {
  const account = createAccountService({ db: deps.db, clock: deps.clock, defaultLocale: deps.config.defaultLocale });
  const picker = createMunicipalityPicker(account);
  const privacy = createPrivacy(account, wiring.personalData);
  const settings = createSettings({ account, picker, extensions: wiring.settingsExtensions, sendDataExport: privacy.sendDataExport, askForDeletion: privacy.askForDeletion });

  const welcome = new Composer<BotContext>(createOnboarding(account, picker), privacy.middleware);
  const main = new Composer<BotContext>(picker.middleware, settings.middleware);
  const help = (ctx: BotContext) => ctx.reply(ctx.t("help.text"), { reply_markup: ctx.menu.keyboard(ctx.t) });

  const feature: Feature = {
    name: "account",
    context: identify(account),
    middleware: { early: createMembership(account), welcome, main },
    commands: [
      { command: "start", scope: "private", description: "commands.start", order: 10 },
      { command: "einstellungen", scope: "private", description: "commands.einstellungen", order: 70 },
      { command: "hilfe", scope: "private", description: "commands.hilfe", order: 80 },
      { command: "datenschutz", scope: "private", description: "commands.datenschutz", order: 90 },
      { command: "meinedaten", scope: "private", description: "commands.meinedaten", order: 100 },
      { command: "loeschen", scope: "private", description: "commands.loeschen", order: 110 },
    ],
    menu: [
      { label: "menu.settings", order: 50, open: settings.showSettings },
      { label: "menu.help", order: 60, command: "hilfe", open: help },
    ],
    personalData: { export: account.exportPart, erase: account.erasePart },
    seed: () => seedMunicipalities(deps.db),
  };

  /** What other features may use of people and municipalities. */
  const api = {
    localeOf: account.localeOf,
    markBlocked: (userId: number) => account.setStatus(userId, "blocked"),
    count: account.count,
    /** Active and blocked people (/status). */
    countByStatus: account.countByStatus,
    municipalityIds: account.municipalityIds,
    municipalities: account.municipalities,
    municipalityNames: account.municipalityNames,
    /** Callback data of "back to the settings": edits the message back to the settings view (for a settings extension's "Done"). */
    settingsBack: callbacks.settings.pack({ action: "back" }),
    /** Who receives announcements or training notices (onboarded, not blocked, not opted out). */
    noticeAudience: account.noticeAudience,
    noticeAudienceByMunicipality: account.noticeAudienceByMunicipality,
    receivesNotices: account.receivesNotices,
    firstNames: account.firstNames,
    /** Active volunteers per municipality, onboarded before `until` (/statistik: counts only). */
    activeVolunteers: (until: Date) => activeVolunteerFigures(deps.db, until),
  };
  return { feature, api };
}

export type AccountApi = ReturnType<typeof accountFeature>["api"];
