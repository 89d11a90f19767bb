import { LRUCache } from 'lru-cache';
import { approximateJsonLength } from './approximate-size';
import { isStoreUnavailable } from './deadline';
import type { IdentityRepository, IdentityState, StoredIdentity } from './identity.repository';

/** The identity look-ups a request makes: by phone, by e-mail, by hub id (or former id), and the count. */
export interface IdentityLookups {
  findByPhone(phone: string): Promise<readonly StoredIdentity[]>;
  findByEmail(email: string): Promise<readonly StoredIdentity[]>;
  findByIds(ids: readonly string[]): Promise<readonly StoredIdentity[]>;
  /** How many customers the map holds (a list's `totalCount`). */
  count(): Promise<number>;
}

/** How long a look-up may be served from memory, and how much of it is kept. */
export interface IdentityMemoryOptions {
  /** Look-ups kept (LRU); 0: every look-up reads the repository. */
  maxEntries: number;
  /** What they may take, approximately, in bytes (their JSON size); 0: no look-up is kept. */
  maxBytes: number;
  /** The identity map's state is read again at most this often, ms: how late another process's sync is seen. */
  recheckMs: number;
  /** The clock, ms (a fake one in tests). */
  now?: () => number;
  /** Told when the map's state cannot be read for a reason other than the store being down (which look-ups report themselves). */
  warn?: (message: string) => void;
}

/** What one look-up found, with the map it was read from. */
interface Remembered {
  map: string;
  found: readonly StoredIdentity[];
}

/**
 * What the last read of the map's state said, and when: the map it names (its generation and
 * when that was written), or null when it could not be confirmed (a sync under way or left
 * unfinished, or the state could not be read).
 */
interface Verdict {
  map: string | null;
  at: number;
}

/**
 * The map a state names: its generation and when that generation was committed, so that a
 * database dropped and synced again, or restored, is not taken for the map of the same number
 * this hub remembers. Null while a sync is writing the next generation (or died doing so): the
 * map may be either, and nothing is served or kept until a sync has finished. Null too without
 * a state (a map written before generations were recorded, which no sync bumps).
 */
function mapOf(state: IdentityState | null): string | null {
  if (state === null) return null; // a map no sync of this version has written: nothing to go by
  if (state.finishedAt === null) return null;
  return `${state.generation}@${state.finishedAt.getTime()}`;
}

/** What a look-up takes in memory, about: its JSON size in UTF-16 code units, times two bytes. */
const sizeOf = (entry: Remembered): number => approximateJsonLength(entry.found) * 2 + 64;

/**
 * Identity look-ups answered from the hub's memory while the identity map is the one they were
 * read from. The map only changes as a whole: a sync (of this hub, another one, or `npm run
 * sync`) marks the state unfinished, writes the next generation, and then records it, with its
 * number and time, as finished. A look-up held in memory is served only while the state names
 * the map it was read from, and the state is read again at most every `recheckMs`: one small
 * read a second instead of one per screen pop, and a sync elsewhere is seen within `recheckMs`
 * of finishing. While a sync is under way (or after one died half-way), nothing is served from
 * memory. `forget()` is for this hub's own syncs, seen at once.
 *
 * When the state cannot be read because the store is down, the look-up fails as it would have
 * (STORE_UNAVAILABLE), without a second wait; for any other failure look-ups go to the
 * repository. Either verdict holds for `recheckMs`, so a stalled store costs each look-up one
 * wait, not two. Memory never outlives a map it could not confirm.
 *
 * What it hands out is shared by every request that asks: treat it as read-only.
 */
export class RememberedIdentityLookups implements IdentityLookups {
  private readonly memory: LRUCache<string, Remembered>;
  private readonly now: () => number;
  private readonly enabled: boolean;
  private verdict: Verdict | null = null;
  /** The state read under way, shared by every look-up that needs it. */
  private checking: Promise<Verdict> | null = null;
  /** Bumped by `forget()`, so a state read that began before it does not bring back the old map. */
  private epoch = 0;
  /** Kept apart from the LRU: one number, which every page of the customer list asks for. */
  private counted: { map: string; count: number } | null = null;

  constructor(
    private readonly repository: IdentityRepository,
    private readonly options: IdentityMemoryOptions,
  ) {
    this.enabled = options.maxEntries > 0 && options.maxBytes > 0;
    this.memory = new LRUCache({
      max: Math.max(1, options.maxEntries),
      maxSize: Math.max(1, options.maxBytes),
      sizeCalculation: sizeOf,
    });
    this.now = options.now ?? Date.now;
  }

  findByPhone(phone: string): Promise<readonly StoredIdentity[]> {
    return this.remembered(`phone:${phone}`, () => this.repository.findByPhone(phone));
  }

  findByEmail(email: string): Promise<readonly StoredIdentity[]> {
    return this.remembered(`email:${email}`, () => this.repository.findByEmail(email));
  }

  /** The customers with these ids (or former ids); the ids not in memory are read in one query. */
  async findByIds(ids: readonly string[]): Promise<readonly StoredIdentity[]> {
    if (!this.enabled || ids.length === 0) return this.repository.findByIds(ids);
    const map = await this.confirmedMap();
    if (map === null) return this.repository.findByIds(ids);
    const found: StoredIdentity[] = [];
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.memory.get(`id:${id}`);
      if (hit?.map === map) found.push(...hit.found);
      else missing.push(id);
    }
    if (missing.length === 0) return found;
    const read = await this.repository.findByIds(missing);
    for (const id of missing) {
      const doc = read.find((candidate) => candidate._id === id || candidate.aliases.includes(id));
      this.keep(`id:${id}`, map, doc ? [doc] : []);
    }
    return [...found, ...read];
  }

  /** How many customers the map holds: counted once per map. */
  async count(): Promise<number> {
    if (!this.enabled) return this.repository.count();
    const map = await this.confirmedMap();
    if (map === null) return this.repository.count();
    if (this.counted?.map === map) return this.counted.count;
    const count = await this.repository.count();
    this.counted = { map, count };
    return count;
  }

  /** Drops everything held: this hub's own sync has just replaced the map. */
  forget(): void {
    this.counted = null;
    this.memory.clear();
    this.verdict = null;
    this.checking = null;
    this.epoch += 1;
  }

  private async remembered(key: string, read: () => Promise<StoredIdentity[]>): Promise<readonly StoredIdentity[]> {
    if (!this.enabled) return read();
    const map = await this.confirmedMap();
    if (map === null) return read();
    const hit = this.memory.get(key);
    if (hit?.map === map) return hit.found;
    const found = await read();
    this.keep(key, map, found);
    return found;
  }

  /**
   * Kept under the map the read began under: should a sync have landed meanwhile, the entry
   * never matches the map the state names next, so it is never served.
   */
  private keep(key: string, map: string, found: readonly StoredIdentity[]): void {
    this.memory.set(key, { map, found });
  }

  /**
   * The map memory may answer for, read again when the last verdict is older than `recheckMs`;
   * null when it is not confirmed. Rejects when the state read found the store down.
   */
  private async confirmedMap(): Promise<string | null> {
    const known = this.verdict;
    if (known && this.now() - known.at < this.options.recheckMs) return known.map;
    const epoch = this.epoch;
    this.checking ??= this.readVerdict(epoch);
    const checking = this.checking;
    try {
      return (await checking).map;
    } finally {
      if (this.checking === checking) this.checking = null;
    }
  }

  private async readVerdict(epoch: number): Promise<Verdict> {
    let map: string | null;
    let failure: Error | null = null;
    try {
      map = mapOf(await this.repository.readState());
    } catch (error) {
      map = null;
      failure = error instanceof Error ? error : new Error(String(error));
    }
    const verdict = { map, at: this.now() };
    // Forgotten meanwhile: this read may predate the sync that was just made; keep nothing by it.
    if (epoch !== this.epoch) return { map: null, at: verdict.at };
    if (map === null || map !== this.verdict?.map) {
      this.memory.clear();
      this.counted = null;
    }
    this.verdict = verdict;
    if (failure !== null) {
      if (isStoreUnavailable(failure)) throw failure;
      this.options.warn?.(
        `Identity look-ups are read from the store for the next ${this.options.recheckMs} ms: the identity map's state could not be read (${failure.message})`,
      );
    }
    return verdict;
  }
}
