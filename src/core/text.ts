/** Cuts a text to at most `max` characters (code points, so no emoji is split), ending in "…". */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}
