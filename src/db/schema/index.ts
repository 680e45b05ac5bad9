export * from "./users.js";
export * from "./municipalities.js";
export * from "./helper-circles.js";
export * from "./memberships.js";
export * from "./sessions.js";
export * from "./update-journal.js";
export * from "./tickets.js";
export * from "./faq.js";
