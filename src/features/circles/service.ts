import type { AuditLog } from "../../core/audit.js";
import type { Db } from "../../db/client.js";
import { sqliteKeyValueStore } from "../../db/key-value.js";
import { checkCirclesCsv, createImportConfirmation, exportCirclesCsv, type PendingImport } from "./import-service.js";
import {
  audienceCircles,
  changesBy,
  circlesOffered,
  circleNameTaken,
  circleOfGroup,
  deleteCircle,
  deleteMembershipsOf,
  findCircle,
  forgetChangesBy,
  linkedGroups,
  linkGroup,
  listCircles,
  memberIdsOf,
  type AudienceTopic,
  membershipsOf,
  publishedCircleNamesCovering,
  saveCircle,
  setMembership,
  unlinkGroup,
} from "./repository.js";
import { publicView, type CircleDraft, type NamedMunicipality } from "./rules.js";

/** The helper-circle directory: circles, their contacts and groups, CSV import and export, the change log. */
export function createCirclesService(deps: {
  db: Db;
  clock: () => Date;
  municipalities: () => NamedMunicipality[];
  /** The municipalities a person chose (account's). */
  municipalityIdsOf: (userId: number) => number[];
  audit?: AuditLog;
}) {
  const { db, clock } = deps;
  // A checked CSV file waiting for "Übernehmen", per staff member (key: their id = their private
  // chat, so erasing their data removes it too).
  const imports = createImportConfirmation(db, sqliteKeyValueStore<PendingImport>(db, "circleimport", clock));
  return {
    municipalities: deps.municipalities,
    /** Every circle, unpublished ones and contacts included: staff only. */
    listAll: () => listCircles(db),
    /** Published circles, reduced to what volunteers may see. */
    listPublic: () => listCircles(db).filter((circle) => circle.published).map(publicView),
    find: (id: number) => findCircle(db, id),
    nameTaken: (name: string, exceptId?: number) => circleNameTaken(db, name, exceptId),
    /** `key`: what made the save (the tap), so the audit log has one line even if it is saved again after a crash. */
    save: (id: number | undefined, draft: CircleDraft, by: number, key?: string) => {
      const circleId = saveCircle(db, id, draft, { by, at: clock() });
      if (circleId !== undefined) {
        const created = id === undefined;
        deps.audit?.record({ actorId: by, action: created ? "circle.created" : "circle.changed", objectId: circleId, details: { name: draft.name }, key: created ? "once" : key });
      }
      return circleId;
    },
    remove: (id: number, by: number) => {
      const name = deleteCircle(db, id, { by, at: clock() });
      if (name !== undefined) deps.audit?.record({ actorId: by, action: "circle.removed", objectId: id, details: { name } });
      return name;
    },
    /** Checks a whole CSV file: its circles and what taking it over would change, or its problems. */
    checkCsv: (file: string | Uint8Array) => checkCirclesCsv(db, file, deps.municipalities()),
    /** A checked file waits for the staff member's "Übernehmen" (see createImportConfirmation). */
    imports: {
      hold: imports.hold,
      decide: imports.decide,
      apply: (staffId: number, token: number, tapId: string) => {
        const summary = imports.apply(staffId, token, tapId, { by: staffId, at: clock() });
        if (summary) {
          const { created, updated, deleted } = summary;
          deps.audit?.record({ actorId: staffId, action: "circle.imported", objectId: null, details: { created, updated, deleted } });
        }
        return summary;
      },
      cancel: imports.cancel,
    },
    exportCsv: () => exportCirclesCsv(db),
    linkGroup: (circleId: number, chatId: number, by: number | null) => linkGroup(db, circleId, chatId, { by, at: clock() }),
    unlinkGroup: (chatId: number, by: number | null) => unlinkGroup(db, chatId, { by, at: clock() }),
    ofGroup: (chatId: number) => circleOfGroup(db, chatId),
    /** Names of the published circles covering these municipalities (a ticket's header). */
    publishedNamesCovering: (municipalityIds: number[]) => publishedCircleNamesCovering(db, municipalityIds),
    /** "Mein Helferkreis": the circles a person may name (see `circlesOffered`). */
    offeredTo: (userId: number) => circlesOffered(db, userId, deps.municipalityIdsOf(userId)),
    /** The published circles a person named, sorted by name (unpublished ones are kept but do not count). */
    namedBy: (userId: number) => membershipsOf(db, userId).filter((circle) => circle.published),
    setMembership: (userId: number, circleId: number, on: boolean) => setMembership(db, userId, circleId, on, clock()),
    /** Broadcasts: published circles with the number of volunteers who named them and get announcements. */
    audienceCircles: (topic?: AudienceTopic) => audienceCircles(db, topic),
    memberIdsOf: (circleIds: readonly number[], topic?: AudienceTopic) => memberIdsOf(db, circleIds, topic),
    linkedGroups: (circleIds?: readonly number[]) => linkedGroups(db, circleIds),
    /** Changes this person made to the directory and the circles they named, for /meinedaten. */
    exportPart: (userId: number) => ({
      helperCircleChanges: changesBy(db, userId).map((change) => ({ circle: change.circle, action: change.action, at: change.at.toISOString() })),
      myHelperCircles: membershipsOf(db, userId).map((circle) => ({ circle: circle.name, published: circle.published, since: circle.since.toISOString() })),
    }),
    /**
     * On /loeschen: the change log keeps what was changed and when, no longer by whom; the circles
     * the person named go (deleting the users row cascades too; this does not rely on it).
     */
    erasePart: (userId: number) => {
      forgetChangesBy(db, userId);
      deleteMembershipsOf(db, userId);
    },
  };
}

export type CirclesService = ReturnType<typeof createCirclesService>;
