import { Composer } from "grammy";
import type { Config } from "../../config.js";
import type { BotContext } from "../../core/context.js";
import type { FlowDefinition } from "../../core/feature.js";
import type { TrainingService } from "./service.js";

/** What volunteers see and press: /schulungen, details, registration, /meineschulungen, certificates. */
export function createVolunteerTrainings(deps: { service: TrainingService; config: Config }) {
  const middleware = new Composer<BotContext>();
  const openList = (ctx: BotContext) => ctx.reply(ctx.t("trainings.notYet"));
  middleware.command("schulungen", openList);
  const flows: FlowDefinition[] = [];
  void deps;
  return { middleware, flows, openList };
}
