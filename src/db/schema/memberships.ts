import { integer, primaryKey, sqliteTable } from "drizzle-orm/sqlite-core";
import { createdAt } from "./columns.js";
import { helperCircles } from "./helper-circles.js";
import { municipalities } from "./municipalities.js";
import { users } from "./users.js";

/** Where a volunteer is active: chosen during onboarding and in the settings. */
export const userMunicipalities = sqliteTable(
  "user_municipalities",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.municipalityId] })],
);

/** Explicit membership of a volunteer in a helper circle. */
export const circleMemberships = sqliteTable(
  "circle_memberships",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    circleId: integer("circle_id")
      .notNull()
      .references(() => helperCircles.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.circleId] })],
);
