/** Escapes a value for Telegram's HTML parse mode (which accepts &lt; &gt; &amp; &quot;). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"]/g, (char) => HTML_ESCAPES[char]!);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };
