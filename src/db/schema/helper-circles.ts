import { integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdAt, updatedAt } from "./columns.js";
import { municipalities } from "./municipalities.js";

/** A local volunteer group ("Helferkreis"), covering one or more municipalities. */
export const helperCircles = sqliteTable("helper_circles", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const circleMunicipalities = sqliteTable(
  "circle_municipalities",
  {
    circleId: integer("circle_id")
      .notNull()
      .references(() => helperCircles.id, { onDelete: "cascade" }),
    municipalityId: integer("municipality_id")
      .notNull()
      .references(() => municipalities.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.circleId, t.municipalityId] })],
);

export type HelperCircle = typeof helperCircles.$inferSelect;
