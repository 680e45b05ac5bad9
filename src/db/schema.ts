/**
 * Every table, for drizzle (typed queries) and drizzle-kit (`npm run db:generate` reads this file).
 * Each feature keeps its tables in its own `schema.ts`; this barrel is the one place in `src/db`
 * that names the features.
 */
export { sessions } from "./key-value.js";
export * from "../updates/schema.js";
export * from "../features/account/schema.js";
export * from "../features/questions/schema.js";
export * from "../features/faq/schema.js";
export * from "../features/circles/schema.js";
export * from "../features/delivery/schema.js";
export * from "../features/broadcasts/schema.js";
export * from "../features/trainings/schema.js";
export * from "../features/operations/audit-schema.js";
