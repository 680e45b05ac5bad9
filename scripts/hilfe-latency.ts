/**
 * Interactive latency through the real process (issue 12): N onboarded volunteers send `/hilfe`
 * at a steady rate over HTTP against the fake Bot API; prints p50/p99/max from the moment the
 * update is offered to the moment the bot's answer reaches the fake.
 *
 *   node --import tsx scripts/hilfe-latency.ts [volunteers=100] [perSecond=25] [seconds=20]
 */
import { performance } from "node:perf_hooks";
import { addOnboardedVolunteers, createE2eWorld } from "../tests/helpers/e2e.js";

const [volunteers = 100, perSecond = 25, seconds = 20] = process.argv.slice(2).map(Number);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const world = await createE2eWorld();
try {
  const people = Array.from({ length: volunteers }, (_, i) => ({ id: 9_000_000 + i, firstName: `V${i}` }));
  addOnboardedVolunteers(world, people);
  await world.startBot();
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let measuring = false;
  world.fake.on("call", (call: { method: string; params: Record<string, unknown> }) => {
    if (call.method !== "sendMessage") return;
    const at = sentAt.get(Number(call.params.chat_id));
    if (at === undefined) return;
    sentAt.delete(Number(call.params.chat_id));
    if (measuring) latencies.push(performance.now() - at);
  });
  const send = (id: number) => {
    sentAt.set(id, performance.now());
    world.fake.userSendsCommand(id, "hilfe");
  };
  // Warm-up: each volunteer once (caches, prepared statements, JIT), not measured.
  for (const person of people) {
    send(person.id);
    await world.fake.waitForBotMessage(person.id, (m) => m.text?.startsWith("So hilft Ihnen") ?? false);
  }
  measuring = true;
  const total = perSecond * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    send(people[i % people.length]!.id);
  }
  const deadline = performance.now() + 10_000;
  while (latencies.length < total && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const sorted = [...latencies].sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    JSON.stringify({
      volunteers,
      perSecond,
      updates: total,
      answered: latencies.length,
      p50: fmt(percentile(sorted, 50)),
      p90: fmt(percentile(sorted, 90)),
      p99: fmt(percentile(sorted, 99)),
      max: fmt(sorted.at(-1)!),
    }),
  );
} finally {
  await world.close();
}
