import { Composer } from "grammy";
import type { BotContext } from "../../core/context.js";
import type { Feature, FeatureDeps } from "../../core/feature.js";
import type { AccountApi } from "../account/index.js";
import { createCircleAdmin } from "./admin.js";
import { createDirectory } from "./directory.js";
import { createCircleEditor, CIRCLE_EDITOR, CIRCLE_EDITOR_EXIT } from "./editor.js";
import { createGroupLinking } from "./groups.js";
import { createInlineSearch } from "./inline.js";
import { seedExampleCircles } from "./seed.js";
import { createCirclesService } from "./service.js";

/**
 * The helper-circle directory: volunteers browse and search it (also inline, in any chat), staff
 * keep it current (guided editor, CSV import and export), and a circle's own Telegram group can be
 * linked to it.
 */
export function circlesFeature(deps: FeatureDeps, uses: { account: Pick<AccountApi, "municipalities"> }) {
  const service = createCirclesService({ db: deps.db, clock: deps.clock, municipalities: uses.account.municipalities });
  const directory = createDirectory(service);
  const linking = createGroupLinking(service);

  const feature: Feature = {
    name: "circles",
    middleware: {
      early: linking.membership,
      staff: createCircleAdmin(service, deps.config.staffChatId),
      groups: linking.groups,
      main: new Composer<BotContext>(directory.browsing, createInlineSearch(service)),
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
  };
  return { feature, api };
}

export type CirclesApi = ReturnType<typeof circlesFeature>["api"];
