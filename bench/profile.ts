import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The parts of a V8 `.cpuprofile` (Chrome DevTools format) the summary reads. */
interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  /** The node sampled at each tick... */
  samples: number[];
  /** ...and the microseconds since the previous sample. */
  timeDeltas: number[];
}

/** One function's share of a profile. */
export interface HotFunction {
  function: string;
  /** `path:line` (1-based), relative to the repository; empty for V8's own entries. */
  location: string;
  selfMs: number;
  /** Percent of the busy (non-idle) time. */
  selfPct: number;
}

/** What a profile says, in a form a report can print. */
export interface ProfileSummary {
  scenario: string;
  /** The `.cpuprofile`, relative to the report. */
  file: string;
  /** Sampled time, from the first tick to the last. */
  durationMs: number;
  /** Time not spent idle: what the hub's thread actually worked. */
  busyMs: number;
  idlePct: number;
  /** Top functions by self time (the code itself, not what it calls). */
  top: HotFunction[];
  /** Self time by package or source folder (`graphql`, `@graphql-tools/delegate`, `store/embedded`...). */
  byArea: Array<{ area: string; selfMs: number; selfPct: number }>;
  /** Busy time by layer of the hub (store, upstream, connectors, GraphQL, HTTP, GC); adds up to 100. */
  byLayer: Array<{ layer: string; pct: number }>;
  /**
   * Busy time with a package or folder anywhere on the stack (inclusive: `mongodb` counts the
   * driver and everything it calls). Shares overlap, so they do not add up to 100.
   */
  inclusiveByArea: Array<{ area: string; pct: number }>;
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** Where a frame's code lives: a package in node_modules, a folder of ours, or V8/Node itself. */
export function areaOf(url: string, root: string): string {
  if (url === '') return '(v8)';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const modules = file.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = file.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (file.startsWith('node:') || !path.isAbsolute(file)) return '(node)';
  const relative = path.relative(root, file).replace(/^dist\//, '');
  const parts = relative.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

function locationOf(url: string, line: number, root: string): string {
  if (url === '') return '';
  const file = url.startsWith('file://') ? new URL(url).pathname : url;
  const shown = path.isAbsolute(file) ? path.relative(root, file) : file;
  return `${shown}:${line + 1}`;
}

/**
 * Summarises a `.cpuprofile`: self time per function from the sample timeline (each sample's
 * time delta goes to the node sampled), top `limit` by self time, and self time per area.
 * `(idle)` is left out of the ranking: it is time the hub waited, not time it worked.
 */
export function summarizeProfile(
  file: string,
  scenario: string,
  root: string,
  reportDir: string,
  limit = 10,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const selfUs = new Map<number, number>();
  // The first delta runs from the profiler's start to its first tick (the profiler setting itself
  // up, charged to whatever the inspector was doing): not the hub's time, so it is left out.
  profile.samples.forEach((nodeId, i) => {
    if (i > 0) selfUs.set(nodeId, (selfUs.get(nodeId) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });

  const functions = new Map<string, HotFunction & { us: number }>();
  const areas = new Map<string, number>();
  let idleUs = 0;
  let totalUs = 0;
  for (const [nodeId, us] of selfUs) {
    const frame = byNode.get(nodeId);
    if (!frame) continue;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const name = frame.functionName || '(anonymous)';
    const location = locationOf(frame.url, frame.lineNumber, root);
    const key = `${name}@${location}`;
    const entry = functions.get(key) ?? { function: name, location, selfMs: 0, selfPct: 0, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    // V8's own entries: keep GC and (program) apart, pool the rest (Promise.all, writev...) as native.
    const area = frame.url === '' ? (name.startsWith('(') ? name : '(native)') : areaOf(frame.url, root);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const { inclusive, layers } = stackShares(profile, root, selfUs);
  const pct = (us: number) => (busyUs > 0 ? round((us / busyUs) * 100) : 0);
  return {
    scenario,
    file: path.relative(reportDir, file),
    durationMs: round(totalUs / 1000, 0),
    busyMs: round(busyUs / 1000, 0),
    idlePct: totalUs > 0 ? round((idleUs / totalUs) * 100) : 0,
    top: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, limit)
      .map(({ us, ...entry }) => ({ ...entry, selfMs: round(us / 1000), selfPct: pct(us) })),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([area, us]) => ({ area, selfMs: round(us / 1000), selfPct: pct(us) })),
    byLayer: [...layers.entries()].sort((a, b) => b[1] - a[1]).map(([layer, us]) => ({ layer, pct: pct(us) })),
    inclusiveByArea: [...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([area, us]) => ({ area, pct: pct(us) })),
  };
}

/** The layers of the hub a sample can belong to, by the areas (packages, folders) that make them. */
const LAYERS: Array<[layer: string, areas: RegExp]> = [
  ['store (driver, embedded server)', /^(mongodb|bson|mingo|better-sqlite3|store\/.*|store)$/],
  ['upstream HTTP (axios, breaker, checks)', /^(axios|cockatiel|zod|follow-redirects|proxy-from-env|form-data)$/],
  ['connectors (cache-aside, loaders)', /^(connectors\/.*|dataloader)$/],
  [
    'GraphQL, stitching, Apollo',
    /^(graphql|@graphql-tools\/.*|@apollo\/.*|@whatwg-node\/.*|type-graphql|graphql-scalars|schema\/.*|gateway)$/,
  ],
  [
    'HTTP server (fastify)',
    /^(fastify|@fastify\/.*|@as-integrations\/.*|find-my-way|light-my-request|avvio|fast-json-stringify|secure-json-parse)$/,
  ],
];

/**
 * Time per area with that area anywhere on the sampled stack, each sample counted once per area
 * (Node's and V8's own frames are left out: they sit under everything); and each busy sample's
 * layer, from the innermost frame that belongs to one (so a BSON decode under a resolver is
 * store time, and a socket write under the driver is too). GC and the rest stay apart.
 */
function stackShares(
  profile: CpuProfile,
  root: string,
  selfUs: ReadonlyMap<number, number>,
): { inclusive: Map<string, number>; layers: Map<string, number> } {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byNode = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const inclusive = new Map<string, number>();
  const layers = new Map<string, number>();
  for (const [nodeId, us] of selfUs) {
    const leaf = byNode.get(nodeId)?.functionName;
    if (leaf === '(idle)') continue;
    const seen = new Set<string>();
    let layer: string | null = leaf === '(garbage collector)' ? 'garbage collection' : null;
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const url = byNode.get(id)?.url ?? '';
      const area = url === '' ? null : areaOf(url, root);
      if (!area || area === '(node)') continue;
      seen.add(area);
      layer ??= LAYERS.find(([, areas]) => areas.test(area))?.[0] ?? null;
    }
    for (const area of seen) inclusive.set(area, (inclusive.get(area) ?? 0) + us);
    const name = layer ?? 'other (Node, event loop)';
    layers.set(name, (layers.get(name) ?? 0) + us);
  }
  return { inclusive, layers };
}
