import type { Connector } from '../../connectors/kit';
import type { IdentityRepository } from '../../store/identity.repository';

/** How many of one system's customers the identity map links to. */
export interface SystemSample {
  system: string;
  /** Keys read from the first page of the system's directory. */
  sampled: number;
  /** Of those, the keys some customer in the map links to. */
  known: number;
  /** The map links none of this system's customers: a connector enabled since the last sync. */
  new: boolean;
}

/** Whether the identity map still describes the systems it links. */
export interface IdentityMapCheck {
  /** False when some system's sample is mostly unknown to the map (or the system is new to it). */
  matches: boolean;
  /**
   * True when a system the map already links is mostly unknown: a map of another world, whose
   * snapshots are no use. A system that is merely new to the map needs a sync, not that.
   */
  otherWorld: boolean;
  systems: SystemSample[];
  /** Systems whose directory could not be read: not judged. */
  unreachable: string[];
}

/** What a check needs. */
export interface IdentityMapCheckOptions {
  connectors: readonly Pick<Connector, 'name' | 'directory'>[];
  repository: Pick<IdentityRepository, 'knownKeys' | 'linksSystem'>;
  /** Keys read from each system (the first directory page). Default 100. */
  sampleSize?: number;
  /** The share of a sample the map must know for it to match. Default 0.9. */
  minKnownShare?: number;
}

/**
 * Samples the first page of every system's directory and asks the map which of those keys it
 * links: one page and one indexed query per system, cheap enough for every start. A map written
 * for other systems (another demo scale or seed, a system repointed to another instance, a
 * connector enabled since the last sync) knows few of them; a map that is merely behind by the
 * customers added since the last sync knows nearly all.
 *
 * @example
 * const check = await checkIdentityMap({ connectors, repository });
 * if (!check.matches) logger.warn(describeMismatch(check));
 */
export async function checkIdentityMap(options: IdentityMapCheckOptions): Promise<IdentityMapCheck> {
  const sampleSize = options.sampleSize ?? 100;
  const minKnownShare = options.minKnownShare ?? 0.9;
  const unreachable: string[] = [];
  const samples = await Promise.all(
    options.connectors.map(async (connector): Promise<SystemSample | null> => {
      let keys: string[] = [];
      try {
        for await (const page of connector.directory(sampleSize)) {
          keys = page.slice(0, sampleSize).map((entry) => entry.key);
          break;
        }
      } catch {
        unreachable.push(connector.name);
        return null;
      }
      const known = await options.repository.knownKeys(connector.name, keys);
      const isNew = known.size === 0 && !(await options.repository.linksSystem(connector.name));
      return { system: connector.name, sampled: keys.length, known: known.size, new: isNew };
    }),
  );
  const systems = samples.filter((s): s is SystemSample => s !== null);
  return {
    matches: systems.every((s) => s.sampled === 0 || s.known / s.sampled >= minKnownShare),
    otherWorld: systems.some((s) => !s.new && s.sampled > 0 && s.known / s.sampled < minKnownShare),
    systems,
    unreachable: unreachable.sort(),
  };
}

/** One sentence on how the map and the systems differ, e.g. "it links 7 of the first 100 sales customers". */
export function describeMismatch(check: IdentityMapCheck): string {
  const parts = check.systems
    .filter((s) => s.sampled > 0 && s.known < s.sampled)
    .map((s) =>
      s.new
        ? `none of ${s.system}'s customers (new to the map)`
        : `${s.known} of the first ${s.sampled} ${s.system} customers`,
    );
  return `The identity map does not match the department systems: it links ${parts.join(', ')}`;
}
