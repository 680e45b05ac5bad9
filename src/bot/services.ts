import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import {
  circleNameTaken,
  circleOfGroup,
  deleteCircle,
  findCircle,
  linkedCircleGroups,
  linkGroup,
  listCircles,
  saveCircle,
  unlinkGroup,
} from "../db/repositories/circles.js";
import { findMunicipality, listMunicipalities, municipalityNames } from "../db/repositories/municipalities.js";
import { countPendingUpdates } from "../db/repositories/update-journal.js";
import {
  countUsers,
  createConsentedUser,
  findUser,
  setUserStatus,
  setUserMunicipality,
  updateUser,
  userMunicipalityIds,
  type UserChanges,
} from "../db/repositories/users.js";
import { collectPersonalData, deleteAllPersonalData } from "../domain/privacy.js";
import { checkCirclesCsv, exportCirclesCsv } from "../domain/circle-import.js";
import type { CircleDraft } from "../domain/directory.js";
import type { StaffDirectory } from "../domain/staff.js";
import type { UserStatus } from "../db/schema/index.js";

/**
 * The capabilities handlers may use. Handlers never see the database itself; everything goes
 * through these functions (which hold the SQL in the data layer).
 */
export function createServices(deps: { db: Db; config: Config; clock: () => Date; staff: StaffDirectory }) {
  const { db, clock } = deps;
  return {
    now: clock,
    staff: deps.staff,
    users: {
      find: (id: number) => findUser(db, id),
      consent: (id: number, firstName: string, username: string | undefined) =>
        createConsentedUser(db, { id, firstName, username: username ?? null, consentedAt: clock() }),
      update: (id: number, changes: UserChanges) => updateUser(db, id, changes),
      completeOnboarding: (id: number) => updateUser(db, id, { onboardedAt: clock() }),
      setStatus: (id: number, status: UserStatus) => setUserStatus(db, id, status),
      municipalityIds: (id: number) => userMunicipalityIds(db, id),
      setMunicipality: (id: number, municipalityId: number, chosen: boolean) => setUserMunicipality(db, id, municipalityId, chosen),
      exportData: (id: number) => collectPersonalData(db, id, clock()),
      deleteData: (id: number) => deleteAllPersonalData(db, id),
      count: () => countUsers(db),
    },
    municipalities: {
      list: () => listMunicipalities(db),
      exists: (id: number) => findMunicipality(db, id) !== undefined,
      names: (ids: number[]) => municipalityNames(db, ids),
    },
    circles: {
      /** Every circle, unpublished ones and contacts included: staff only. */
      listAll: () => listCircles(db),
      find: (id: number) => findCircle(db, id),
      nameTaken: (name: string, exceptId?: number) => circleNameTaken(db, name, exceptId),
      save: (id: number | undefined, draft: CircleDraft, by: number) => saveCircle(db, id, draft, { by, at: clock() }),
      remove: (id: number, by: number) => deleteCircle(db, id, { by, at: clock() }),
      /** Checks a whole CSV file; applies it (one transaction) only when every row is valid. */
      /** Checks a CSV file; `apply(by)` writes it when every row was valid. */
      checkCsv: (file: string | Uint8Array) => {
        const checked = checkCirclesCsv(db, file);
        return checked.ok ? { ...checked, apply: (by: number) => checked.apply({ by, at: clock() }) } : checked;
      },
      exportCsv: () => exportCirclesCsv(db),
      linkGroup: (circleId: number, chatId: number, by: number | null) => linkGroup(db, circleId, chatId, { by, at: clock() }),
      unlinkGroup: (chatId: number, by: number | null) => unlinkGroup(db, chatId, { by, at: clock() }),
      ofGroup: (chatId: number) => circleOfGroup(db, chatId),
      linkedGroups: () => linkedCircleGroups(db),
    },
    updates: {
      pendingCount: () => countPendingUpdates(db),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
