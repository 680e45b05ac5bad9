import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The 28 municipalities of Landkreis Oberallgäu (seeded at start-up). */
export const municipalities = sqliteTable("municipalities", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
});

export type Municipality = typeof municipalities.$inferSelect;
