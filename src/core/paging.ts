/** Number of pages for a list (at least one, so an empty list still has a page to show). */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** A page number brought into range (old buttons may point past the end after deletions). */
export function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(Math.max(0, page), pageCount(total, pageSize) - 1);
}

/** The items of one page (brought into range), with the page shown and the number of pages. */
export function pageOf<T>(items: readonly T[], requestedPage: number, pageSize: number): { items: T[]; page: number; pages: number } {
  const page = clampPage(requestedPage, items.length, pageSize);
  return { items: items.slice(page * pageSize, (page + 1) * pageSize), page, pages: pageCount(items.length, pageSize) };
}
