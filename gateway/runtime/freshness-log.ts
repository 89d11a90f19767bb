import type { Freshness } from '../../connectors/kit/freshness';

/** One stale department the request served, for the response's `extensions.freshness`. */
export interface StaleServe {
  connector: string;
  key: string;
  fetchedAt: Date;
}

/** Remembers how fresh the department data a request served was. Lives in the request context. */
export class FreshnessLog {
  readonly stale: StaleServe[] = [];
  /** The earliest `freshUntil` of any record served: when this response's data stops being fresh. */
  freshUntil: Date | null = null;

  /**
   * Notes data that can change at any moment with no change notice (saved queries, which any hub
   * sharing the store may save over): the response is then fresh only for now, never replayed.
   */
  noteVolatile(): void {
    this.freshUntil = new Date(0);
  }

  /** Notes one served record. */
  note(connector: string, key: string, freshness: Freshness): void {
    if (freshness.stale) this.stale.push({ connector, key, fetchedAt: freshness.fetchedAt });
    if (this.freshUntil === null || freshness.freshUntil < this.freshUntil) this.freshUntil = freshness.freshUntil;
  }
}
