import { Composer } from "grammy";
import type { Config } from "../../config.js";
import type { BotContext } from "../../core/context.js";
import type { CommandSpec, FlowDefinition } from "../../core/feature.js";
import type { TrainingService } from "./service.js";

/** Staff's tools: /schulung_neu, editing and cancelling, /teilnehmer, attendance, /bestaetigung. */
export function createTrainingStaff(deps: { service: TrainingService; config: Config; firstNames(ids: readonly number[]): Map<number, string> }) {
  const middleware = new Composer<BotContext>();
  const flows: FlowDefinition[] = [];
  const commands: CommandSpec[] = [];
  void deps;
  return { middleware, flows, commands };
}
