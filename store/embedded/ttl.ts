/**
 * TTL indexes, as MongoDB defines them: a single-field index with `expireAfterSeconds` expires a
 * document once the earliest Date in that field is older than the limit (non-dates never
 * expire). A periodic sweep deletes expired documents through the index; reads also hide them
 * (MongoDB's own monitor runs only every 60 s, and tests shouldn't race a sweep either way).
 */
import { Query } from 'mingo';
import type { Catalog, CollectionInfo } from './catalog';
import type { DocumentStore } from './documents';
import { type IndexInfo, pathValues } from './indexes';
import { rangeInterval } from './keys';
import { scan, type StoredDoc } from './scan';
import type { Statements } from './sqlite';
import { type Doc, numericView } from './values';

/** How many documents one sweep deletes per index at most, so a sweep never stalls requests. */
const SWEEP_BATCH = 1000;

/** The TTL indexes of a collection. */
export function ttlIndexes(coll: CollectionInfo): IndexInfo[] {
  return coll.indexes.filter((i) => i.expireAfterSeconds !== undefined && i.key.length === 1);
}

/** A test for "this document has expired", or null when the collection has no TTL index. */
export function expiryTest(coll: CollectionInfo, now = Date.now()): ((doc: Doc) => boolean) | null {
  const indexes = ttlIndexes(coll);
  if (indexes.length === 0) return null;
  const rules = indexes.map((index) => ({
    path: index.key[0][0],
    cutoff: now - (index.expireAfterSeconds ?? 0) * 1000,
    partial: index.partialFilterExpression ? new Query(numericView(index.partialFilterExpression)) : null,
  }));
  return (doc) =>
    rules.some((rule) => {
      if (rule.partial && !rule.partial.test(numericView(doc))) return false;
      return pathValues(doc, rule.path).values.some((v) => v instanceof Date && v.getTime() < rule.cutoff);
    });
}

/** What the monitor needs from the engine. */
export interface TtlHost {
  sql: Statements;
  catalog: Catalog;
  store: DocumentStore;
  write<T>(fn: () => T): T;
}

/** Deletes expired documents every `intervalMs`. */
export class TtlMonitor {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: TtlHost,
    private readonly intervalMs: number,
  ) {}

  /** Starts sweeping; the timer doesn't keep the process alive on its own. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.sweep();
      } catch (err) {
        // A failed sweep is retried on the next tick; requests are unaffected.
        process.emitWarning(`embedded MongoDB TTL sweep failed: ${(err as Error).message}`);
      }
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Stops sweeping. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Deletes what has expired at `now`; returns how many documents were removed. */
  sweep(now = Date.now()): number {
    let removed = 0;
    for (const coll of this.host.catalog.all()) {
      const expired = expiryTest(coll, now);
      if (!expired) continue;
      for (const index of ttlIndexes(coll)) {
        const cutoff = new Date(now - (index.expireAfterSeconds ?? 0) * 1000);
        const interval = rangeInterval(undefined, { value: cutoff, inclusive: false }, index.key[0][1]);
        if (!interval) continue;
        const victims: StoredDoc[] = [];
        const stats = { keysExamined: 0, docsExamined: 0 };
        for (const stored of scan(
          this.host.sql,
          coll,
          { kind: 'index', index, intervals: [interval], direction: 1 },
          stats,
          SWEEP_BATCH,
        )) {
          if (expired(stored.doc)) victims.push(stored);
          if (victims.length >= SWEEP_BATCH) break;
        }
        if (victims.length === 0) continue;
        this.host.write(() => victims.forEach((v) => this.host.store.remove(coll, v)));
        removed += victims.length;
      }
    }
    return removed;
  }
}
