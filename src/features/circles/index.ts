import { Composer } from "grammy";
import type { BotContext } from "../../core/context.js";
import type { Feature, FeatureDeps } from "../../core/feature.js";
import type { AccountApi } from "../account/index.js";
import { createCircleAdmin } from "./admin.js";
import { createDirectory } from "./directory.js";
import { createCircleEditor, CIRCLE_EDITOR, CIRCLE_EDITOR_EXIT } from "./editor.js";
import { createGroupLinking } from "./groups.js";
import { createInlineSearch } from "./inline.js";
import { createMyCircles } from "./my-circles.js";
import { seedExampleCircles } from "./seed.js";
import { createCirclesService } from "./service.js";
import type { AudienceTopic } from "./repository.js";
export type { AudienceTopic } from "./repository.js";

/**
 * The helper-circle directory: volunteers browse and search it (also inline, in any chat) and name
 * their own circle(s) in the settings ("Mein Helferkreis"), staff keep it current (guided editor,
 * CSV import and export), and a circle's own Telegram group can be linked to it.
 */
export function circlesFeature(deps: FeatureDeps, uses: { account: Pick<AccountApi, "municipalities" | "municipalityIds" | "settingsBack"> }) {
  const service = createCirclesService({
    db: deps.db,
    clock: deps.clock,
    municipalities: uses.account.municipalities,
    municipalityIdsOf: uses.account.municipalityIds,
    audit: deps.audit,
  });
  const directory = createDirectory(service);
  const linking = createGroupLinking(service);
  const myCircles = createMyCircles(service, {
    settingsBack: uses.account.settingsBack,
    municipalityIdsOf: uses.account.municipalityIds,
    openDirectory: directory.openDirectory,
  });

  const feature: Feature = {
    name: "circles",
    middleware: {
      early: linking.membership,
      staff: createCircleAdmin(service, deps.config.staffChatId),
      groups: linking.groups,
      main: new Composer<BotContext>(directory.browsing, myCircles.middleware, createInlineSearch(service)),
      late: directory.searchByText,
    },
    flows: [{ id: CIRCLE_EDITOR, builder: createCircleEditor(service), exit: CIRCLE_EDITOR_EXIT }],
    commands: [
      { command: "helferkreise", scope: "private", description: "commands.helferkreise", order: 60 },
      { command: "kreis_neu", scope: "staff", description: "commands.kreis_neu", order: 60 },
      { command: "kreis_bearbeiten", scope: "staff", description: "commands.kreis_bearbeiten", order: 70 },
      { command: "kreise_export", scope: "staff", description: "commands.kreise_export", order: 80 },
    ],
    menu: [{ label: "menu.circles", order: 40, command: "helferkreise", open: directory.openDirectory }],
    personalData: { export: service.exportPart, erase: service.erasePart },
    seed: () => seedExampleCircles(deps.db, deps.clock(), uses.account.municipalities()),
  };

  /** What other features use of the directory. */
  const api = {
    /** Names of the published circles covering these municipalities (a ticket's header). */
    publishedNamesCovering: service.publishedNamesCovering,
    /** "Mein Helferkreis" for account's /einstellungen (wired in core/bot.ts). */
    settingsExtension: myCircles.settings,

    /*
     * For broadcasts. A volunteer's circles count only while the circle is published (an
     * unpublished circle keeps its memberships, unused, until it is published again or deleted),
     * and only volunteers who may get announcements count: active (not blocked), onboarded, with
     * announcements on.
     */
    /** Published circles sorted by name, with how many such volunteers named each, and the linked group. */
    audienceCircles: (topic?: AudienceTopic): Array<{ id: number; name: string; members: number; groupChatId: number | null }> => service.audienceCircles(topic),
    /** Distinct ids of such volunteers who named one of these (published) circles. */
    memberIdsOf: (circleIds: readonly number[], topic?: AudienceTopic): number[] => service.memberIdsOf(circleIds, topic),
    /** Linked Telegram groups of published circles: of these circles, or all when no ids are given. */
    linkedGroups: (circleIds?: readonly number[]): Array<{ circleId: number; chatId: number }> => service.linkedGroups(circleIds),
    /**
     * The delivery engine learned the bot was removed from this group or the chat is gone: unlink
     * it through the same unlink as /trennen and the bot's removal, logged as an "unlink" without
     * a person (nobody did it). Not linked: nothing happens. The staff group gets no notice here.
     */
    dropGroupLink: (chatId: number): void => {
      service.unlinkGroup(chatId, null);
    },
  };
  return { feature, api };
}

export type CirclesApi = ReturnType<typeof circlesFeature>["api"];
