// Architecture rules for Lotsenbot, checked by dependency-cruiser.
//
//   npm run arch                          (command line, same rules)
//   tests/architecture.test.ts            (part of `npm test`)
//
// All paths below are relative to the cruise's base directory and start with
// `src/` or `tests/`. For the real code that is the repository root; the
// architecture test cruises its fixture trees with `baseDir` set to the
// fixture folder, so the very same anchored patterns apply there.
//
// dependency-cruiser refuses regular expressions with nested quantifiers
// (safe-regex, "star height" > 1; an optional group `( ... )?` around `+` or `*`
// counts), hence the slightly unusual spelling of the file-name patterns.
//
// Packages in node_modules are matched by their resolved path
// (`node_modules/grammy/...`), which is why package `exports` are read below:
// without them `grammy/types` or `drizzle-orm/sqlite-core` would not resolve
// and would slip past the path patterns.
//
// Written as CommonJS (.cjs) because the package is `"type": "module"` and the
// depcruise CLI loads `.cjs` configs without further ado.

/** Files that hold pure logic or data access: no Telegram framework in there. */
const PURE_FILE = "^src(/|/.*[/-])(service|repository|schema|rules)\\.ts$";
/** Files that may talk to drizzle directly (anywhere under src). */
const DATA_FILE = "(^|/|-)(schema|repository)\\.ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "feature-internals",
      severity: "error",
      comment:
        "A feature may only use another feature through its public surface, src/features/<name>/index.ts. " +
        "Export what you need from that feature's index.ts instead of reaching into its files.",
      from: { path: "^src/features/([^/]+)/", pathNot: "^src/features/[^/]+/schema\\.ts$" },
      to: {
        path: "^src/features/[^/]+/",
        pathNot: ["^src/features/$1/", "^src/features/[^/]+/index\\.ts$"],
      },
    },
    {
      // Same rule, for schema.ts files: they may also import another feature's
      // schema.ts, because a foreign key needs the referenced table object.
      name: "feature-internals",
      severity: "error",
      comment:
        "A feature's schema.ts may import another feature's schema.ts (foreign keys) or its index.ts, " +
        "but nothing else inside another feature.",
      from: { path: "^src/features/([^/]+)/schema\\.ts$" },
      to: {
        path: "^src/features/[^/]+/",
        pathNot: [
          "^src/features/$1/",
          "^src/features/[^/]+/index\\.ts$",
          "^src/features/[^/]+/schema\\.ts$",
        ],
      },
    },
    {
      name: "drizzle-outside-data-layer",
      severity: "error",
      comment:
        "drizzle-orm belongs to the data layer: only schema.ts / repository.ts (or *-schema.ts / *-repository.ts) " +
        "and files under src/db/ may import it. Move the query into a repository and call that.",
      from: { path: "^src/", pathNot: [DATA_FILE, "^src/db/"] },
      to: { path: "(^|/)node_modules/drizzle-orm/" },
    },
    {
      name: "grammy-in-pure-code",
      severity: "error",
      comment:
        "service.ts, repository.ts, schema.ts and rules.ts (and *-service.ts etc.) are plain logic and data access " +
        "and must not depend on grammy or @grammyjs/* - not even for types. Pass plain values in; " +
        "keep Telegram-specific code in composers, conversations and keyboards.",
      from: { path: PURE_FILE },
      to: { path: "(^|/)node_modules/(grammy|@grammyjs/[^/]+)/" },
    },
    {
      name: "core-and-db-import-no-features",
      severity: "error",
      comment:
        "src/core and src/db are below the features and must not know them. Only the assembly points " +
        "src/core/bot.ts (registers the features) and src/db/schema.ts (re-exports their tables) may import features.",
      from: { path: "^src/(core|db)/", pathNot: ["^src/core/bot\\.ts$", "^src/db/schema\\.ts$"] },
      to: { path: "^src/features/" },
    },
    {
      name: "src-imports-no-tests",
      severity: "error",
      comment: "Production code must not import test code (tests/).",
      from: { path: "^src/" },
      to: { path: "^tests/" },
    },
    {
      name: "features-import-no-sandbox",
      severity: "error",
      comment:
        "The sandbox (fake Bot API server, web page) is built on top of the bot; features must not depend on it.",
      from: { path: "^src/features/" },
      to: { path: "^src/sandbox/" },
    },
    {
      name: "bot-imports-no-sandbox",
      severity: "error",
      comment:
        "The bot (core, db, updates, the start-up in app.ts, config) runs the same with or without the sandbox. " +
        "Only the entry point src/main.ts (which runs the sandbox when no BOT_TOKEN is set) and the sandbox itself import src/sandbox.",
      from: { path: "^src/", pathNot: ["^src/sandbox/", "^src/main\\.ts$", "^src/features/"] },
      to: { path: "^src/sandbox/" },
    },
  ],
  options: {
    // Don't descend into packages; they still show up as dependencies.
    doNotFollow: { path: "(^|/)node_modules/" },
    // Count `import type` / type-only imports too (they vanish after compilation).
    tsPreCompilationDeps: true,
    // Read by the CLI (and by the test). `import "./x.js"` resolving to x.ts
    // is built into dependency-cruiser (it retries .js as .ts/.tsx/.d.ts), so
    // no extensionAlias is needed (and the config schema does not accept one).
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      // Resolve subpaths such as grammy/types and drizzle-orm/sqlite-core via
      // the packages' "exports" maps (dependency-cruiser ignores them by default).
      exportsFields: ["exports"],
      conditionNames: ["types", "import", "require", "node", "default"],
      mainFields: ["types", "typings", "module", "main"],
    },
  },
};
