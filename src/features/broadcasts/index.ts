import type { Feature, FeatureDeps } from "../../core/feature.js";
import type { AccountApi } from "../account/index.js";
import type { DeliveryApi } from "../delivery/index.js";
import { BROADCAST_COMPOSE, BROADCAST_COMPOSE_EXIT, createBroadcastComposer } from "./compose.js";
import { BROADCAST_KIND, createBroadcastService, type CircleAudienceSource, type TrainingAudienceSource } from "./service.js";
import { createBroadcastNotices, createBroadcastStaff } from "./staff.js";
import { broadcastFigures, type BroadcastFigures } from "./statistics-repository.js";

export type { BroadcastFigures } from "./statistics-repository.js";

/**
 * Broadcasts (Rundschreiben): staff write or forward a message, choose who gets it (all
 * volunteers, municipalities, helper circles, circle groups), see it as recipients will, then
 * send it now or at a set time through the delivery engine; a list shows progress, stops and
 * reports.
 */
export function broadcastsFeature(
  deps: FeatureDeps,
  uses: {
    account: Pick<AccountApi, "noticeAudience" | "noticeAudienceByMunicipality" | "municipalities" | "receivesNotices" | "firstNames" | "localeOf">;
    circles: CircleAudienceSource;
    /** Recent and coming trainings and their registrants (an audience of their own). */
    trainings: TrainingAudienceSource;
    delivery: DeliveryApi;
  },
) {
  const service = createBroadcastService({
    db: deps.db,
    clock: deps.clock,
    account: uses.account,
    circles: uses.circles,
    trainings: uses.trainings,
    delivery: uses.delivery,
    audit: deps.audit,
  });
  const staff = createBroadcastStaff(service, deps.config);
  const notices = createBroadcastNotices({ service, api: deps.api, i18n: deps.i18n, config: deps.config, logger: deps.logger, localeOf: uses.account.localeOf });
  uses.delivery.register(BROADCAST_KIND, { eligible: service.eligible, started: notices.started, ended: notices.ended });

  const feature: Feature = {
    name: "broadcasts",
    middleware: { staff: staff.staff },
    flows: [{ id: BROADCAST_COMPOSE, builder: createBroadcastComposer(service, deps.config), exit: BROADCAST_COMPOSE_EXIT }],
    commands: [
      { command: "rundschreiben", scope: "staff", description: "commands.rundschreiben", order: 85 },
      { command: "rundschreiben_liste", scope: "staff", description: "commands.rundschreiben_liste", order: 86 },
    ],
    personalData: { export: service.exportPart, erase: service.erasePart },
  };

  /** What other features use: the figures of a period for /statistik (aggregates only). */
  const api = {
    statistics: (from: Date, to: Date): BroadcastFigures => broadcastFigures(deps.db, from, to),
  };
  return { feature, api };
}

export type BroadcastsApi = ReturnType<typeof broadcastsFeature>["api"];
