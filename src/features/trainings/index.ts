import type { BotContext } from "../../core/context.js";
import type { Feature } from "../../core/feature.js";

/**
 * Trainings (Schulungen) are the next capability to be built: until then the menu entry and
 * /schulungen say so politely instead of staying silent.
 */
export function trainingsFeature() {
  const notYet = (ctx: BotContext) => ctx.reply(ctx.t("trainings.notYet"));
  const feature: Feature = {
    name: "trainings",
    commands: [{ command: "schulungen", scope: "private", description: "commands.schulungen", order: 50 }],
    menu: [{ label: "menu.trainings", order: 30, command: "schulungen", open: notYet }],
  };
  return { feature };
}
