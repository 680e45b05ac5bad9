// `npm run build`: compiles src/ to dist/ with tsconfig.build.json, then copies what the code
// reads as files at run time (not imported, so tsc leaves it out). Needs the dev dependencies
// (typescript); running the result (`npm run start:prod`) does not.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** dist/ next to src/, or a folder given (tests build into a temporary one). */
const out = path.resolve(process.argv[2] ?? path.join(root, "dist"));
/** Read through `new URL(..., import.meta.url)` next to the compiled file. */
const ASSETS = ["sandbox/public", "sandbox/fake-telegram/bot-api-spec.json"];

fs.rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const compiled = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json"), "--outDir", out], { stdio: "inherit" });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
for (const asset of ASSETS) fs.cpSync(path.join(root, "src", asset), path.join(out, asset), { recursive: true });
console.log(`Built ${path.relative(root, out)}/ (start it with: npm run start:prod)`);
