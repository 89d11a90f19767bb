import type { Connector } from '../../connectors/kit';
import type { IdentityRepository } from '../../store/identity.repository';
import { describeHolder, type StoreLease } from '../../store/lease';
import { linkNormalised, type LinkResult, type NormalisedRecord, RecordNormaliser } from './link';

/** What an identity sync did. */
export interface SyncReport {
  /** Customers in the identity map after the sync. */
  customers: number;
  /** Records read from each system. */
  records: Record<string, number>;
  /** Customers known to more than one system. */
  linkedAcrossSystems: number;
  /** Links refused because they would give one customer two keys in one system. */
  conflicts: number;
  /** Customers removed: merged into another or gone from every system. */
  removed: number;
  durationMs: number;
}

/** Progress of a sync, for a progress bar. */
export interface SyncProgress {
  system: string;
  records: number;
}

/** Thrown when a system's directory cannot be read; the identity map is left as it was. */
export class SyncError extends Error {
  override readonly name = 'SyncError';
}

/** What a sync needs. */
export interface SyncOptions {
  connectors: readonly Connector[];
  repository: IdentityRepository;
  defaultCountry: string;
  pageSize: number;
  onProgress?: (progress: SyncProgress) => void;
  now?: () => Date;
  /** Held for the whole sync, so no other process rebuilds the customer map meanwhile. */
  lease?: Pick<StoreLease, 'acquire' | 'release'>;
}

/**
 * Reads one system's directory, normalising each page as it arrives (only that form is kept),
 * with the request for the next page already out while it does.
 */
async function readDirectory(
  connector: Connector,
  normaliser: RecordNormaliser,
  pageSize: number,
  onProgress?: (p: SyncProgress) => void,
): Promise<NormalisedRecord[]> {
  const records: NormalisedRecord[] = [];
  const pages = connector.directory(pageSize)[Symbol.asyncIterator]();
  let next = pages.next();
  let finished = false;
  try {
    for (let page = await next; !page.done; page = await next) {
      next = pages.next();
      for (const entry of page.value) records.push(normaliser.normalise(entry, connector.name));
      onProgress?.({ system: connector.name, records: records.length });
    }
    finished = true;
  } catch (error) {
    throw new SyncError(
      `Identity sync stopped: cannot read the ${connector.name} directory: ${(error as Error).message}`,
    );
  } finally {
    if (!finished) {
      // Stopped early (a page that would not normalise, a progress callback that threw): the
      // page already asked for is of no interest, nor its failure, and the directory is closed
      // as a for-await loop would close it.
      // Not awaited: a generator closes only once the page under way has come back.
      next.catch(() => undefined);
      Promise.resolve(pages.return?.()).catch(() => undefined);
    }
  }
  return records;
}

/**
 * Reads every system's customer directory (all systems in parallel), links the records into
 * customers and writes the identity map. All-or-nothing: if any directory cannot be read,
 * nothing is written, because a partial view would drop that system's customers.
 */
export async function syncIdentities(options: SyncOptions): Promise<SyncReport> {
  const now = options.now ?? (() => new Date());
  if (options.lease) {
    const taken = await options.lease.acquire(now());
    if (!taken.held) throw new SyncError(describeHolder('rebuilding the customer map', taken.holder));
    try {
      return await syncUnderLease(options, now);
    } finally {
      await options.lease.release();
    }
  }
  return syncUnderLease(options, now);
}

async function syncUnderLease(options: SyncOptions, now: () => Date): Promise<SyncReport> {
  const startedAt = Date.now();
  const { customers, conflicts, records } = await readAndLink(options);
  const { removed } = await options.repository.replaceAll(customers, now());
  return {
    customers: customers.length,
    records,
    linkedAcrossSystems: customers.filter((c) => new Set(c.links.map((l) => l.system)).size > 1).length,
    conflicts,
    removed,
    durationMs: Date.now() - startedAt,
  };
}

/**
 * Reads every directory and links the records. A function of its own so that the normalised
 * records, most of a large sync's memory, are garbage once the customers are made, before the
 * map is written.
 */
async function readAndLink(options: SyncOptions): Promise<LinkResult & { records: Record<string, number> }> {
  const normaliser = new RecordNormaliser(options.defaultCountry);
  const perSystem = await Promise.all(
    options.connectors.map((c) => readDirectory(c, normaliser, options.pageSize, options.onProgress)),
  );
  const existing = await options.repository.linkIndex();
  // A system that answers an empty directory while the map links its customers is far likelier
  // broken (an empty page from a failing search, a wrong tenant) than emptied: writing that map
  // would drop every one of its links, so nothing is written.
  const linked = new Set([...existing.keys()].map((link) => link.slice(0, link.indexOf(':'))));
  options.connectors.forEach((connector, index) => {
    if (perSystem[index].length === 0 && linked.has(connector.name)) {
      throw new SyncError(
        `Identity sync stopped: the ${connector.name} directory came back empty, but the map links customers ` +
          `of it; the map is left as it was. If ${connector.name} really has no customers now, disable the ` +
          `connector (connectors.${connector.name}.enabled: false) and sync again.`,
      );
    }
  });
  const records = Object.fromEntries(options.connectors.map((c, i) => [c.name, perSystem[i].length]));
  const linkedRecords = linkNormalised(perSystem.flat(), {
    systemOrder: options.connectors.map((c) => c.name),
    existing,
  });
  return { ...linkedRecords, records };
}
