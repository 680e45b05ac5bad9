import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { describe, expect, it } from "vitest";

const read = (file: string) => fs.readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

/**
 * Docker cannot run here: the Dockerfile and compose file are checked for what the tested build
 * (tests/deploy/build.e2e.test.ts) needs, and the systemd unit by systemd where it is installed.
 */
describe("deploy/", () => {
  it("the Dockerfile builds from what npm run build reads and runs the compiled bot as a non-root user with data in a volume", () => {
    const dockerfile = read("deploy/Dockerfile");
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms.every((image) => image === "node:20-slim")).toBe(true);
    for (const copied of ["tsconfig.json tsconfig.build.json", "scripts ./scripts", "src ./src", "drizzle ./drizzle", "package.json ./"]) expect(dockerfile).toContain(`COPY ${copied}`);
    expect(dockerfile).toContain("RUN npm ci --omit=dev");
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toContain('CMD ["node", "dist/main.js"]');
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["start:prod"]).toBe("node dist/main.js");
    expect(scripts["backup:prod"]).toContain("dist/features/operations/cli.js");
    const compose = read("deploy/compose.yaml");
    expect(compose).toContain("dockerfile: deploy/Dockerfile");
    expect(compose).toContain("lotsenbot-data:/data");
  });

  it("the systemd unit runs the compiled bot in production and passes systemd-analyze verify (where systemd is installed)", () => {
    const unit = read("deploy/lotsenbot.service");
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node dist\/main\.js$/m);
    expect(unit).toMatch(/^Environment=NODE_ENV=production$/m);
    const verify = spawnSync("systemd-analyze", ["verify", new URL("../../deploy/lotsenbot.service", import.meta.url).pathname], { encoding: "utf8" });
    if (verify.error) return; // no systemd on this machine
    // (A machine without /usr/bin/node says so; that is the server's business, not the unit's.)
    expect(verify.stderr.split("\n").filter((line) => line.includes("lotsenbot.service") && !line.includes("is not executable"))).toEqual([]);
  });
});
