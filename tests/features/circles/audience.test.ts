import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createConfig } from "../../../src/config.js";
import type { FeatureDeps } from "../../../src/core/feature.js";
import { closeDb, type Db } from "../../../src/db/client.js";
import { users } from "../../../src/db/schema.js";
import { listMunicipalities, userMunicipalityIds } from "../../../src/features/account/repository.js";
import { circlesFeature } from "../../../src/features/circles/index.js";
import { linkGroup, saveCircle, setMembership } from "../../../src/features/circles/repository.js";
import type { CircleDraft } from "../../../src/features/circles/rules.js";
import { freshDb } from "../../helpers/db.js";

const NOW = new Date("2027-01-14T10:00:00Z");
const GROUP_A = -1002000000101;
const GROUP_B = -1002000000102;

/** The circles feature as the bot builds it, on its own database (only what it uses of the deps). */
function build(db: Db) {
  const config = createConfig({ BOT_TOKEN: "123456789:TEST-audience-token-not-real-abcdefg", STAFF_CHAT_ID: "-1001000000001", DATABASE_PATH: ":memory:", LOG_LEVEL: "silent" });
  const deps = { config, db, clock: () => NOW } as Partial<FeatureDeps> as FeatureDeps;
  return circlesFeature(deps, {
    account: { municipalities: () => listMunicipalities(db), municipalityIds: (id) => userMunicipalityIds(db, id), settingsBack: "set:back" },
  });
}

describe("the circles' audiences for broadcasts", () => {
  let db: Db;
  let circles: ReturnType<typeof build>;
  let ids: Record<"alpha" | "beta" | "hidden" | "empty", number>;
  beforeEach(() => {
    db = freshDb();
    // Only the circles made here: the seeded examples go.
    db.$client.prepare("delete from helper_circles").run();
    circles = build(db);
    const circle = (name: string, published = true) => {
      const draft: CircleDraft = { name, municipalityIds: [listMunicipalities(db)[0]!.id], description: null, meetingTime: null, meetingPlace: null, published, contacts: [] };
      return saveCircle(db, undefined, draft, { by: null, at: NOW })!;
    };
    ids = { beta: circle("Beta-Kreis"), alpha: circle("Alpha-Kreis"), hidden: circle("Verborgen", false), empty: circle("Leerer Kreis") };
    const person = (id: number, fields: Partial<typeof users.$inferInsert> = {}) =>
      db.insert(users).values({ id, firstName: `P${id}`, consentedAt: NOW, onboardedAt: NOW, ...fields }).run();
    person(1); // eligible
    person(2); // eligible
    person(3, { status: "blocked" });
    person(4, { notifyAnnouncements: false });
    person(5, { onboardedAt: null });
    for (const user of [1, 2, 3, 4, 5]) setMembership(db, user, ids.alpha, true, NOW);
    setMembership(db, 2, ids.beta, true, NOW);
    setMembership(db, 3, ids.beta, true, NOW);
    setMembership(db, 1, ids.hidden, true, NOW);
    linkGroup(db, ids.alpha, GROUP_A, { by: null, at: NOW });
    linkGroup(db, ids.hidden, GROUP_B, { by: null, at: NOW });
  });
  afterEach(() => closeDb(db));

  it("audienceCircles: published circles by name, counting only volunteers who get announcements", () => {
    expect(circles.api.audienceCircles()).toEqual([
      { id: ids.alpha, name: "Alpha-Kreis", members: 2, groupChatId: GROUP_A },
      { id: ids.beta, name: "Beta-Kreis", members: 1, groupChatId: null },
      { id: ids.empty, name: "Leerer Kreis", members: 0, groupChatId: null },
    ]);
  });

  it("memberIdsOf: distinct eligible volunteers of published circles only", () => {
    expect(circles.api.memberIdsOf([ids.alpha, ids.beta])).toEqual([1, 2]);
    expect(circles.api.memberIdsOf([ids.beta])).toEqual([2]);
    expect(circles.api.memberIdsOf([ids.hidden])).toEqual([]);
    expect(circles.api.memberIdsOf([ids.empty])).toEqual([]);
    expect(circles.api.memberIdsOf([])).toEqual([]);
  });

  it("linkedGroups: the groups of published circles, all or of the chosen ones", () => {
    expect(circles.api.linkedGroups()).toEqual([{ circleId: ids.alpha, chatId: GROUP_A }]);
    expect(circles.api.linkedGroups([ids.alpha, ids.beta])).toEqual([{ circleId: ids.alpha, chatId: GROUP_A }]);
    expect(circles.api.linkedGroups([ids.beta, ids.hidden])).toEqual([]);
    expect(circles.api.linkedGroups([])).toEqual([]);
  });

  it("dropGroupLink: unlinks the group and logs it as an unlink without a person", () => {
    circles.api.dropGroupLink(GROUP_A);
    expect(circles.api.linkedGroups()).toEqual([]);
    expect(db.$client.prepare("select circle_id, action, changed_by from circle_changes order by id desc limit 1").get()).toEqual({
      circle_id: ids.alpha,
      action: "unlink",
      changed_by: null,
    });
    // A group that is linked to nothing: nothing happens.
    const changes = db.$client.prepare("select count(*) n from circle_changes").get();
    circles.api.dropGroupLink(-1002000000999);
    expect(db.$client.prepare("select count(*) n from circle_changes").get()).toEqual(changes);
  });

  it("an unpublished circle keeps its memberships, which count again once it is published", () => {
    const draft = (published: boolean): CircleDraft => ({ name: "Alpha-Kreis", municipalityIds: [listMunicipalities(db)[0]!.id], description: null, meetingTime: null, meetingPlace: null, published, contacts: [] });
    saveCircle(db, ids.alpha, draft(false), { by: null, at: NOW });
    expect(circles.api.memberIdsOf([ids.alpha])).toEqual([]);
    expect(circles.api.audienceCircles().map((c) => c.name)).toEqual(["Beta-Kreis", "Leerer Kreis"]);
    saveCircle(db, ids.alpha, draft(true), { by: null, at: NOW });
    expect(circles.api.memberIdsOf([ids.alpha])).toEqual([1, 2]);
  });

  it("erasing a person's data removes their memberships itself, not only by the users row's cascade", () => {
    circles.feature.personalData!.erase!(1);
    expect(db.$client.prepare("select count(*) n from circle_memberships where user_id = 1").get()).toEqual({ n: 0 });
    expect(db.$client.prepare("select count(*) n from users where id = 1").get()).toEqual({ n: 1 });
    expect(circles.feature.personalData!.export!(2)).toMatchObject({
      myHelperCircles: [
        { circle: "Alpha-Kreis", published: true, since: NOW.toISOString() },
        { circle: "Beta-Kreis", published: true, since: NOW.toISOString() },
      ],
    });
  });
});
