import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
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
    updates: {
      pendingCount: () => countPendingUpdates(db),
    },
  };
}

export type Services = ReturnType<typeof createServices>;
