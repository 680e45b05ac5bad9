// Architecture test: the import rules in .dependency-cruiser.cjs hold for src/,
// and every rule demonstrably fires on a fixture tree that mimics the layout.
//
// Same rules on the command line: `npm run arch`.
//
// Paths: dependency-cruiser reports paths relative to the cruise's `baseDir`.
// The rules are anchored on `^src/...` / `^tests/...`; the real code is
// cruised with baseDir = repository root, the fixture with baseDir = the
// fixture folder, so both yield paths like `src/features/faq/service.ts` and
// one set of patterns serves both. Packages still resolve from the fixture
// into the repository's node_modules; they then show up as
// `../../../../node_modules/grammy/...`, which the rules match with
// `(^|/)node_modules/`.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  cruise,
  type ICruiseOptions,
  type ICruiseResult,
  type IDependency,
  type IViolation,
} from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONFIG_FILE = resolve(ROOT, ".dependency-cruiser.cjs");
const TSCONFIG_FILE = resolve(ROOT, "tsconfig.json");
const FIXTURE = resolve(ROOT, "tests/architecture/fixtures/new-layout");

/** A cold cruise of src/ takes about a second; leave plenty of room on a busy CI box. */
const CRUISE_TIMEOUT = 60_000;

async function loadOptions(): Promise<ICruiseOptions> {
  const options = await extractDepcruiseOptions(CONFIG_FILE);
  // The config names tsconfig.json relative to the working directory (what the
  // CLI wants); make it absolute so the test does not depend on the cwd.
  return { ...options, tsConfig: { fileName: TSCONFIG_FILE } };
}

/** Cruises `<baseDir>/src` (and whatever it imports) with the project's rules. */
async function cruiseSrc(baseDir: string): Promise<ICruiseResult> {
  const options = await loadOptions();
  const { output } = await cruise(
    ["src"],
    { ...options, baseDir },
    {},
    { tsConfig: extractTSConfig(TSCONFIG_FILE) },
  );
  if (typeof output === "string") throw new Error("dependency-cruiser returned a report, not a result");
  return output;
}

/** `node_modules/grammy/out/mod.d.ts` (with any `../` in front) → `grammy`. */
function shortTarget(to: string): string {
  return to.replace(/^(\.\.\/)*node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, "$2");
}

function describeViolation(v: IViolation): string {
  return `${v.rule.name}: ${v.from} → ${shortTarget(v.to)}`;
}

function allDependencies(result: ICruiseResult): Array<IDependency & { from: string }> {
  return result.modules.flatMap((m) => m.dependencies.map((d) => ({ ...d, from: m.source })));
}

function unresolved(result: ICruiseResult): string[] {
  return allDependencies(result)
    .filter((d) => d.couldNotResolve)
    .map((d) => `${d.from} → ${d.module}`);
}

describe("architecture: src", () => {
  let result: ICruiseResult;

  beforeAll(async () => {
    result = await cruiseSrc(ROOT);
  }, CRUISE_TIMEOUT);

  it("breaks none of the import rules in .dependency-cruiser.cjs", () => {
    const violations = result.summary.violations.map(describeViolation);
    const why = [...new Set(result.summary.violations.map((v) => v.rule.name))].map((name) => {
      const rule = result.summary.ruleSetUsed?.forbidden?.find((r) => r.name === name);
      return `  ${name}: ${rule?.comment ?? ""}`;
    });
    expect(
      violations,
      `${violations.length} forbidden import(s) (rules in .dependency-cruiser.cjs, run \`npm run arch\`):\n` +
        violations.map((line) => `  ${line}`).join("\n") +
        `\n\nWhy:\n${why.join("\n")}\n`,
    ).toEqual([]);
    // Sanity: the cruise really looked at the code.
    expect(result.summary.totalCruised).toBeGreaterThan(20);
  });

  it("resolves every import (an unresolved one, e.g. `./x.js` not mapped to x.ts, would escape the rules)", () => {
    expect(unresolved(result)).toEqual([]);
  });
});

/**
 * What the fixture must produce, per rule: `from → to`, packages shortened to
 * their name. Every line marked `// VIOLATION` in the fixture is here, and
 * nothing else.
 */
const EXPECTED: Record<string, string[]> = {
  "feature-internals": [
    "src/features/questions/conversations/ask.ts → src/features/faq/keyboards.ts",
    "src/features/questions/schema.ts → src/features/account/repository.ts",
    "src/features/questions/x.ts → src/features/account/schema.ts",
    "src/features/questions/x.ts → src/features/faq/service.ts",
  ],
  "drizzle-outside-data-layer": [
    "src/features/faq/keyboards.ts → drizzle-orm",
    "src/updates/pipeline.ts → drizzle-orm",
  ],
  "grammy-in-pure-code": [
    "src/features/faq/rules.ts → grammy",
    "src/features/faq/search-service.ts → @grammyjs/conversations",
    "src/features/faq/service.ts → grammy",
    "src/updates/journal-repository.ts → grammy",
  ],
  "core-and-db-import-no-features": [
    "src/core/staff-guard.ts → src/features/account/index.ts",
    "src/db/key-value.ts → src/features/account/schema.ts",
  ],
  "src-imports-no-tests": ["src/main.ts → tests/helpers/config.ts"],
  "features-import-no-sandbox": ["src/features/questions/x.ts → src/sandbox/fake-api.ts"],
  "bot-imports-no-sandbox": ["src/updates/pipeline.ts → src/sandbox/fake-api.ts"],
};

/** Imports that sit right next to the violations and must stay allowed. */
const ALLOWED = [
  // a feature's schema.ts may use another feature's schema.ts (foreign keys)
  "src/features/questions/schema.ts → src/features/account/schema.ts",
  // any file may use another feature's index.ts, also from a subfolder
  "src/features/questions/x.ts → src/features/faq/index.ts",
  "src/features/questions/conversations/ask.ts → src/features/account/index.ts",
  // inside one feature anything goes
  "src/features/questions/x.ts → src/features/questions/schema.ts",
  "src/features/questions/conversations/ask.ts → src/features/questions/x.ts",
  // drizzle in schema/repository files (also *-schema.ts, *-repository.ts) and in src/db
  "src/features/account/schema.ts → drizzle-orm",
  "src/features/account/repository.ts → drizzle-orm",
  "src/features/faq/faq-schema.ts → drizzle-orm",
  "src/updates/journal-repository.ts → drizzle-orm",
  "src/db/client.ts → drizzle-orm",
  "src/db/key-value.ts → drizzle-orm",
  // grammy outside the pure files
  "src/features/faq/keyboards.ts → grammy",
  "src/updates/pipeline.ts → grammy",
  // the assembly points may import features
  "src/core/bot.ts → src/features/faq/index.ts",
  "src/db/schema.ts → src/features/account/schema.ts",
  "src/db/schema.ts → src/features/questions/schema.ts",
  // the sandbox may use features (only the reverse is forbidden)
  "src/sandbox/page.ts → src/features/faq/index.ts",
  // the entry point may start the sandbox
  "src/main.ts → src/sandbox/fake-api.ts",
];

describe("architecture: every rule fires on the fixture tree", () => {
  let result: ICruiseResult;
  let found: Map<string, string[]>;

  beforeAll(async () => {
    result = await cruiseSrc(FIXTURE);
    found = new Map();
    for (const v of result.summary.violations) {
      const lines = found.get(v.rule.name) ?? [];
      lines.push(`${v.from} → ${shortTarget(v.to)}`);
      found.set(v.rule.name, lines);
    }
  }, CRUISE_TIMEOUT);

  it("has a fixture case for each rule in the config, and no other rule fires", () => {
    const configured = (result.summary.ruleSetUsed?.forbidden ?? []).map((r) => r.name);
    expect([...new Set(configured)].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect([...found.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))("%s fires for exactly the expected imports", (rule) => {
    expect((found.get(rule) ?? []).sort()).toEqual([...(EXPECTED[rule] ?? [])].sort());
  });

  it("sees the allowed imports next to them and does not flag them", () => {
    const edges = new Map(
      allDependencies(result).map((d) => [`${d.from} → ${shortTarget(d.resolved)}`, d]),
    );
    const missing = ALLOWED.filter((edge) => !edges.has(edge));
    expect(missing, "allowed imports the cruise did not see at all").toEqual([]);
    const flagged = ALLOWED.filter((edge) => edges.get(edge)?.valid === false);
    expect(flagged, "allowed imports flagged as violations").toEqual([]);
  });

  it("counts type-only imports", () => {
    const typeOnly = allDependencies(result).find(
      (d) => d.from === "src/features/faq/rules.ts" && shortTarget(d.resolved) === "grammy",
    );
    expect(typeOnly?.dependencyTypes).toContain("type-only");
    expect(typeOnly?.valid).toBe(false);
  });

  it("resolves every import in the fixture", () => {
    expect(unresolved(result)).toEqual([]);
  });
});
