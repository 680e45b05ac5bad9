import type { Db } from "../../db/client.js";
import { createFaqEntry } from "./repository.js";
import type { Topic } from "./topics.js";

/**
 * A few example entries for the local sandbox, marked "(Beispiel)" / "(example)" so nobody takes
 * them for the county's real answers. The texts are illustrations, not legal advice.
 */
export const EXAMPLE_FAQ: Array<{ topic: Topic; locale: "de" | "en"; question: string; answer: string }> = [
  {
    topic: "arbeit",
    locale: "de",
    question: "(Beispiel) Darf jemand mit Duldung eine Ausbildung anfangen?",
    answer: "Oft ja, mit Erlaubnis der Ausländerbehörde. Sprechen Sie uns an, bevor der Vertrag unterschrieben wird.",
  },
  {
    topic: "sprache",
    locale: "de",
    question: "(Beispiel) Wo gibt es Deutschkurse in der Nähe?",
    answer: "Die Volkshochschule und viele Helferkreise bieten Kurse an. Die Liste der Integrationskurse schicken wir Ihnen gern.",
  },
  {
    topic: "wohnen",
    locale: "de",
    question: "(Beispiel) Wer hilft bei der Wohnungssuche?",
    answer: "Die Wohnraumberatung im Landratsamt und die Helferkreise vor Ort. Fragen Sie uns nach den Sprechzeiten.",
  },
  {
    topic: "gesundheit",
    locale: "en",
    question: "(example) Who pays for a doctor's visit?",
    answer: "During the asylum procedure the social welfare office issues a treatment voucher. Ask us if you are unsure.",
  },
];

/** Seeds the example entries once (idempotent through their draft keys). */
export function seedExampleFaq(db: Db, staffId: number): void {
  EXAMPLE_FAQ.forEach((entry, index) =>
    createFaqEntry(db, { ...entry, sourceTicketId: null, draftKey: `example:${index + 1}`, staffId }),
  );
}
