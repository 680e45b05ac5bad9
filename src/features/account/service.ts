import type { Locale } from "../../config.js";
import type { PersonalDataPart } from "../../core/feature.js";
import type { Db } from "../../db/client.js";
import {
  countUsers,
  countUsersByStatus,
  createConsentedUser,
  deleteUser,
  findMunicipality,
  findUser,
  listMunicipalities,
  municipalityNames,
  setUserMunicipality,
  setUserStatus,
  updateUser,
  userMunicipalityIds,
  noticeAudience,
  noticeAudienceByMunicipality,
  receivesNotices,
  firstNames,
  type NoticeTopic,
  type UserChanges,
} from "./repository.js";
import type { UserStatus } from "./schema.js";

/** People (consent, language, municipalities, notification choices) and their data as a whole. */
export function createAccountService(deps: { db: Db; clock: () => Date; defaultLocale: Locale }) {
  const { db, clock } = deps;
  return {
    find: (id: number) => findUser(db, id),
    /** The language to write to a person in when they are not the sender (their choice, else the default). */
    localeOf: (id: number): Locale => findUser(db, id)?.locale ?? deps.defaultLocale,
    consent: (id: number, firstName: string, username: string | undefined) =>
      createConsentedUser(db, { id, firstName, username: username ?? null, consentedAt: clock() }),
    update: (id: number, changes: UserChanges) => updateUser(db, id, changes),
    completeOnboarding: (id: number) => updateUser(db, id, { onboardedAt: clock() }),
    setStatus: (id: number, status: UserStatus) => setUserStatus(db, id, status),
    count: () => countUsers(db),
    countByStatus: () => countUsersByStatus(db),
    municipalityIds: (id: number) => userMunicipalityIds(db, id),
    setMunicipality: (id: number, municipalityId: number, chosen: boolean) => setUserMunicipality(db, id, municipalityId, chosen),
    municipalities: () => listMunicipalities(db),
    municipalityExists: (id: number) => findMunicipality(db, id) !== undefined,
    municipalityNames: (ids: number[]) => municipalityNames(db, ids),
    noticeAudience: (topic: NoticeTopic, municipalityIds?: readonly number[]) => noticeAudience(db, topic, municipalityIds),
    noticeAudienceByMunicipality: (topic: NoticeTopic) => noticeAudienceByMunicipality(db, topic),
    receivesNotices: (userId: number, topic: NoticeTopic) => receivesNotices(db, userId, topic),
    firstNames: (ids: readonly number[]) => firstNames(db, ids),

    /** The account's own part of /meinedaten. */
    exportPart(userId: number): Record<string, unknown> {
      const user = findUser(db, userId);
      if (!user) return {};
      return {
        profile: {
          telegramId: user.id,
          firstName: user.firstName,
          username: user.username,
          /** null: follows Telegram's language. */
          chosenLanguage: user.locale,
          status: user.status,
          consentGivenAt: user.consentedAt.toISOString(),
          onboardingCompletedAt: user.onboardedAt?.toISOString() ?? null,
          createdAt: user.createdAt.toISOString(),
          updatedAt: user.updatedAt.toISOString(),
        },
        notifications: { trainings: user.notifyTrainings, announcements: user.notifyAnnouncements },
        municipalities: municipalityNames(db, userMunicipalityIds(db, userId)),
      };
    },

    /** The account's own part of /loeschen: the person's row (their municipalities go with it). */
    erasePart: (userId: number) => deleteUser(db, userId),

    /** Everything stored about one person (GDPR art. 15): every feature's part; undefined for nobody. */
    collectPersonalData(userId: number, parts: readonly PersonalDataPart[]): Record<string, unknown> | undefined {
      if (!findUser(db, userId)) return undefined;
      return Object.assign({ exportedAt: clock().toISOString() }, ...parts.map((part) => part.export?.(userId) ?? {}));
    },

    /** Right to erasure (GDPR art. 17): every feature's part, in one transaction. */
    deletePersonalData(userId: number, parts: readonly PersonalDataPart[]): void {
      db.transaction(() => {
        for (const part of parts) part.erase?.(userId);
      });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
