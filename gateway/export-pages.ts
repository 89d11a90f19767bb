/** How an export reads its pages: one at a time as it writes, with the next ones already running. */
export interface PagesAheadOptions<P> {
  /** Reads the page that starts after cursor `after`. */
  readPage(after: string): Promise<P>;
  /**
   * Learns the cursor that ends the page starting after `after` (null: it is the last page)
   * without reading that page: a cheap query of the list's `pageInfo` alone.
   */
  readCursor(after: string): Promise<string | null>;
  /** Pages read ahead of the one being written, at most. */
  ahead: number;
  /** Whether the `n`th page of the export (the first is 1) may still be written; a row limit says when not. */
  wanted(n: number): boolean;
}

/**
 * Reads an export's pages ahead of the writer, so the hub's work on one page (a store read,
 * four department calls, stitching) overlaps the waits of the next ones instead of following
 * them. A page's cursor is known only once that page has answered; so that more than one page
 * can run, the cursors are learnt ahead through `readCursor`. A page read ahead under a cursor
 * that the list's own answer then does not give (the list changed meanwhile) is never used:
 * pages are taken by the cursor the previous page actually ended with.
 */
export class PagesAhead<P> {
  private readonly running = new Map<string, Promise<P>>();
  private readonly cursors = new Map<string, Promise<string | null>>();
  /** Cursors whose page the writer has taken: a chain that comes back to one is a loop, not a page. */
  private readonly taken = new Set<string>();
  private pagesStarted = 1; // the first page is read before the export starts
  /** Bumped by a reset and by stop(): a look-ahead begun before either starts nothing. */
  private epoch = 0;
  private stopped = false;

  constructor(private readonly options: PagesAheadOptions<P>) {}

  /** Starts reading the page after `after` (if it is not already running), and looks ahead from it. */
  expect(after: string): void {
    if (this.stopped) return;
    if (!this.running.has(after) && !this.taken.has(after) && this.options.wanted(this.pagesStarted + 1))
      this.start(after);
    this.lookAhead(after, new Set([after]), this.epoch);
  }

  /** The page after `after`: the one already running, or one started now. */
  take(after: string): Promise<P> {
    this.taken.add(after);
    const page = this.running.get(after);
    if (page === undefined) {
      // Whatever runs was read under cursors the list did not give: it can only be stale.
      this.reset();
      this.pagesStarted += 1;
      return this.options.readPage(after);
    }
    this.running.delete(after);
    this.cursors.delete(after);
    return page;
  }

  /** Starts nothing more; pages already running finish unheard. */
  stop(): void {
    this.stopped = true;
    this.reset();
  }

  private reset(): void {
    this.epoch += 1;
    this.running.clear();
    this.cursors.clear();
  }

  private start(after: string): void {
    this.pagesStarted += 1;
    const page = this.options.readPage(after);
    // Its failure is reported by take(), to the writer; one never taken must not go unhandled.
    page.catch(() => undefined);
    this.running.set(after, page);
  }

  /**
   * Follows the cursors from `after`, starting each next page while fewer than `ahead` run. It
   * stops at a cursor this chain has met (a list whose cursors go round in a loop: the writer's
   * own check reports it) or whose page was taken, and when a reset has started a new epoch.
   */
  private lookAhead(after: string, chain: Set<string>, epoch: number): void {
    if (this.stopped || epoch !== this.epoch || this.running.size >= this.options.ahead) return;
    this.cursorAfter(after).then(
      (next) => {
        if (next === null || epoch !== this.epoch || this.running.size >= this.options.ahead) return;
        if (chain.has(next) || this.taken.has(next)) return;
        chain.add(next);
        if (!this.running.has(next)) {
          if (!this.options.wanted(this.pagesStarted + 1)) return;
          this.start(next);
        }
        this.lookAhead(next, chain, epoch);
      },
      // A cursor that cannot be learnt ahead only means no reading ahead past it: the page's own
      // answer still gives the way on.
      () => undefined,
    );
  }

  private cursorAfter(after: string): Promise<string | null> {
    let cursor = this.cursors.get(after);
    if (cursor === undefined) {
      cursor = this.options.readCursor(after);
      this.cursors.set(after, cursor);
    }
    return cursor;
  }
}
