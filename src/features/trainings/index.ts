import type { Feature, FeatureDeps } from "../../core/feature.js";
import type { AccountApi } from "../account/index.js";
import type { DeliveryApi } from "../delivery/index.js";
import { createNoticeRenderer } from "./notices.js";
import { createTrainingService, TRAINING_NOTICE_KIND, type CircleSource } from "./service.js";
import { createTrainingStaff } from "./staff.js";
import { trainingFigures, type TrainingFigures } from "./statistics-repository.js";
import { createVolunteerTrainings } from "./volunteer.js";

export type { TrainingAudience } from "./schema.js";
export type { TrainingFigures } from "./statistics-repository.js";
// For the local sandbox (src/sandbox): an upcoming example training.
export { seedExampleTraining } from "./seed.js";

/**
 * Trainings (Schulungen): staff create, change, cancel and announce them; volunteers find them,
 * register (a waitlist when full), get a calendar file and a reminder, and after attending a
 * certificate. Every announcement, notice and reminder goes through the delivery engine; the
 * scheduler round runs every minute from the database.
 */
export function trainingsFeature(
  deps: FeatureDeps,
  uses: {
    account: Pick<AccountApi, "noticeAudience" | "noticeAudienceByMunicipality" | "municipalities" | "receivesNotices" | "localeOf" | "firstNames">;
    circles: CircleSource;
    delivery: DeliveryApi;
  },
) {
  const renderNotice = createNoticeRenderer({ i18n: deps.i18n, timezone: deps.config.timezone, defaultLocale: deps.config.defaultLocale });
  const service = createTrainingService({
    db: deps.db,
    clock: deps.clock,
    reminderHours: deps.config.trainings.reminderHours,
    cancelCutoffHours: deps.config.trainings.cancelCutoffHours,
    account: uses.account,
    circles: uses.circles,
    delivery: uses.delivery,
    renderNotice,
    audit: deps.audit,
  });
  uses.delivery.register(TRAINING_NOTICE_KIND, { eligible: service.eligible });
  const volunteer = createVolunteerTrainings({ service, config: deps.config, clock: deps.clock });
  const staff = createTrainingStaff({ service, config: deps.config, clock: deps.clock, firstNames: uses.account.firstNames });

  const feature: Feature = {
    name: "trainings",
    middleware: { staff: staff.middleware, main: volunteer.middleware },
    flows: [...staff.flows, ...volunteer.flows],
    commands: [
      { command: "schulungen", scope: "private", description: "commands.schulungen", order: 50 },
      { command: "meineschulungen", scope: "private", description: "commands.meineschulungen", order: 51 },
      ...staff.commands,
    ],
    menu: [{ label: "menu.trainings", order: 30, command: "schulungen", open: volunteer.openList }],
    jobs: [{ name: "trainings.tick", everyMs: 60_000, atStart: true, run: () => service.tick() }],
    personalData: { export: service.exportPart, erase: service.erasePart },
  };

  /** What other features use: a training's registrants (broadcast audience) and the list staff choose from. */
  const api = {
    registrantIds: service.registrantIds,
    isRegistrant: service.isRegistrant,
    forStaff: service.forStaff,
    countUpcoming: service.countUpcoming,
    /** The trainings of a period with their counts, for /statistik (no names). */
    statistics: (from: Date, to: Date): TrainingFigures[] => trainingFigures(deps.db, from, to),
  };
  return { feature, api };
}

export type TrainingsApi = ReturnType<typeof trainingsFeature>["api"];
