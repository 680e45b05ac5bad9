/**
 * Regenerates `bot-api-spec.json`, the compact Bot API description the fake
 * validates calls against, from the full scraped spec in the shared folder.
 *
 *   node --import tsx src/sandbox/fake-telegram/compact-spec.ts [path/to/bot-api.min.json]
 *
 * Only `version` and, per method, the fields (`name`, `types`, `required`) and
 * `returns` are kept. Descriptions and the types section are dropped to keep
 * the committed file small. One method per line keeps diffs readable.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface FullField {
  name: string;
  types: string[];
  required: boolean;
}
interface FullMethod {
  fields?: FullField[];
  returns: string[];
}
interface FullSpec {
  version: string;
  methods: Record<string, FullMethod>;
}

export interface CompactField {
  name: string;
  types: string[];
  required: boolean;
}
export interface CompactMethod {
  fields: CompactField[];
  returns: string[];
}
export interface CompactSpec {
  version: string;
  methods: Record<string, CompactMethod>;
}

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..", "..");
export const DEFAULT_SOURCE = resolve(repoRoot, "..", "shared", "telegram", "bot-api-10.1.min.json");
export const TARGET = resolve(here, "bot-api-spec.json");

export function compactSpec(full: FullSpec): CompactSpec {
  const methods: Record<string, CompactMethod> = {};
  for (const [name, method] of Object.entries(full.methods)) {
    methods[name] = {
      fields: (method.fields ?? []).map(({ name, types, required }) => ({ name, types, required })),
      returns: method.returns,
    };
  }
  return { version: full.version, methods };
}

/** JSON with one method per line: small, yet diffable. */
export function serializeCompactSpec(spec: CompactSpec): string {
  const lines = Object.entries(spec.methods).map(
    ([name, method]) => `    ${JSON.stringify(name)}: ${JSON.stringify(method)}`,
  );
  return `{\n  "version": ${JSON.stringify(spec.version)},\n  "methods": {\n${lines.join(",\n")}\n  }\n}\n`;
}

function main(): void {
  const source = process.argv[2] ? resolve(process.cwd(), process.argv[2]) : DEFAULT_SOURCE;
  const full = JSON.parse(readFileSync(source, "utf8")) as FullSpec;
  const compact = compactSpec(full);
  writeFileSync(TARGET, serializeCompactSpec(compact));
  console.log(`wrote ${TARGET}: ${compact.version}, ${Object.keys(compact.methods).length} methods`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
