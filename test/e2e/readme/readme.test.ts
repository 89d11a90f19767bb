import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../config';
import { SCREEN_POP_QUERY } from '../../../connectors';
import { DEFAULT_SILO_PORTS, SILO_NAMES, type SiloName } from '../../../silos';
import { startTestHub, type TestHub } from '../../helpers/hub';
import { fencedBlocks, type FencedBlock } from '../../helpers/markdown';
import { runShell } from '../../helpers/shell';
import { endCursorIn, operationsOf, problemsOf } from './operations';
import { checkConfigFile, checkPartialResult, checkSnapshotDocument, checkStaleRead } from './samples';

/**
 * The README's examples, run against the world they are written for: every ```graphql block
 * and every shell block is executed against real demo systems and a real hub, the sample
 * outputs are compared with what that world answers, and a block that is none of these must be
 * listed below with a reason. A README example that stops working fails here.
 */

const README = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
const BLOCKS = fencedBlocks(README);
const SHELL = new Set(['sh', 'bash', 'shell', 'console']);

/** The configuration `npm start` runs with: its demo world is the one the README's values come from. */
const DEFAULTS = loadConfig({ env: {} });

/**
 * Values for the variables the README's operations declare, by operation name. The README's
 * examples all name Abigale Lowe, whom every system knows in the default world (seed and scale
 * fix the world, and her hub id is derived from her accounting key, so none of them drifts).
 */
const VARIABLES: Record<string, Record<string, unknown>> = {
  ScreenPop: { phone: '+1 801-648-5125' },
};
/** A `$after` is not in the table: the operation runs once without it, then with its first page's `endCursor`. */
const FOLLOWED = 'after';

/** The phone formats the README says a caller can be looked up in. */
const PHONE_FORMATS = ['+1 801-648-5125', '(801) 648-5125', '8016485125'];

/** Blocks deliberately not run, found by text they contain, each with the reason. */
const NOT_RUN: ReadonlyArray<{ contains: string; reason: string }> = [
  {
    contains: 'npm ci && npm start',
    reason:
      'installs packages into the shared node_modules, starts a hub on the default ports and runs the whole suite; this test starts its own demo world and hub',
  },
  { contains: 'browser / frontend / analyst', reason: 'the architecture diagram' },
  { contains: 'Snapshots |', reason: 'what `npm run sync` prints, not a command' },
  {
    contains: 'npx switchboard keys create',
    reason: 'the keys CLI writes to the store; its admin routes are tested in test/gateway/admin.test.ts',
  },
  { contains: 'DEMO MODE:', reason: 'what `npm start` prints in demo mode, not a command' },
  {
    contains: 'npx switchboard query list',
    reason:
      'the query CLI runs against a hub on the default port; test/gateway/query-command.test.ts runs each command',
  },
  {
    contains: '--out big-balances.csv',
    reason:
      'the analyst walk-through runs the query CLI against a hub on the default port; test/gateway/query-command.test.ts runs it',
  },
];

/** Sample outputs, found by text they contain; each is compared with the demo world by a test below. */
const SAMPLES = {
  partialResult: '"code": "UPSTREAM_UNAVAILABLE"',
  staleRead: '"stale": true',
  snapshotDocument: 'figures: { accounting:',
  configFile: 'replicaSet=rs0',
  trustedDocumentsConfig: '"trustedDocuments"',
} as const;

const SECRET = 'readme-example-webhook-secret';

function blockContaining(text: string): FencedBlock {
  const found = BLOCKS.filter((block) => block.text.includes(text));
  if (found.length !== 1) {
    throw new Error(
      `Expected exactly one README block containing ${JSON.stringify(text)}, found ${found.length}` +
        (found.length ? ` (lines ${found.map((b) => b.line).join(', ')})` : ''),
    );
  }
  return found[0];
}

const isListed = (block: FencedBlock): boolean => NOT_RUN.some((entry) => block.text.includes(entry.contains));
const OPERATIONS = BLOCKS.filter((block) => block.lang === 'graphql').flatMap(operationsOf);
const SHELL_BLOCKS = BLOCKS.filter((block) => SHELL.has(block.lang) && !isListed(block));

describe('the README', () => {
  let t: TestHub;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    t = await startTestHub({
      seed: DEFAULTS.demo.seed,
      scale: DEFAULTS.demo.scale,
      now: () => new Date(Date.now() + clockOffsetMs),
      connectors: Object.fromEntries(SILO_NAMES.map((name) => [name, { webhookSecret: SECRET }])),
    });
    // The filter examples read the customer-360 snapshots, which `npm run sync` builds.
    await t.hub.buildSnapshots();
  });
  afterEach(async () => {
    clockOffsetMs = 0;
    for (const system of SILO_NAMES) await t.chaos(system, {});
  });
  afterAll(() => t?.close());

  it('runs, checks or lists with a reason every fenced block', () => {
    const accounted = new Set([
      ...Object.values(SAMPLES).map(blockContaining),
      ...NOT_RUN.map((entry) => blockContaining(entry.contains)),
    ]);
    const unaccounted = BLOCKS.filter(
      (block) => block.lang !== 'graphql' && !SHELL.has(block.lang) && !accounted.has(block),
    ).map((block) => `line ${block.line} (${block.lang || 'no language'})`);
    expect(unaccounted).toEqual([]);
  });

  it('shows the screen pop the query page opens with', () => {
    const pop = OPERATIONS.find((op) => op.name === 'ScreenPop');
    expect(pop?.document).toBe(operationsOf({ lang: 'graphql', text: SCREEN_POP_QUERY, line: 0 })[0].document);
  });

  for (const op of OPERATIONS) {
    it(`answers ${op.label} without errors, with data`, async () => {
      const variables: Record<string, unknown> = {};
      for (const name of op.variables.filter((v) => v !== FOLLOWED)) {
        const value = VARIABLES[op.name ?? '']?.[name];
        if (value === undefined) throw new Error(`${op.label} declares $${name}: give it a value in VARIABLES`);
        variables[name] = value;
      }
      const first = await t.query(op.document, variables);
      expect(problemsOf(first)).toEqual([]);
      if (op.variables.includes(FOLLOWED)) {
        const after = endCursorIn(first.data);
        expect(after).toEqual(expect.any(String));
        const next = await t.query(op.document, { ...variables, [FOLLOWED]: after });
        expect(problemsOf(next)).toEqual([]);
      }
    });
  }

  for (const block of SHELL_BLOCKS) {
    it(`runs the shell block at line ${block.line}: exit status 0, every HTTP status 2xx`, async () => {
      // Such a command acts on this checkout (installs, builds, default ports), not on the test's world.
      const local = /(?:^|[;&|(]|\$\()\s*(?:npm|npx|node)\b/m.exec(block.text);
      if (local) throw new Error(`It runs ${local[0].trim()}: run it against the hub instead, or list it in NOT_RUN`);
      // The hub answers a notice for a key its system does not have with 200 and `refreshed: 1` all the same.
      expect(unknownNoticeKeys(block.text)).toEqual([]);
      const run = await runShell(onTestPorts(block.text), {
        cwd: tmpdir(),
        env: Object.fromEntries(SILO_NAMES.map((name) => [`${name.toUpperCase()}_WEBHOOK_SECRET`, SECRET])),
      });
      expect(run).toMatchObject({ status: 0 });
      if (/\bcurl\b/.test(block.text)) expect(run.httpStatuses.length).toBeGreaterThan(0);
      expect(run.httpStatuses.filter((status) => status < 200 || status > 299)).toEqual([]);
    });
  }

  it('finds the same customer by every phone format it names', async () => {
    for (const phone of PHONE_FORMATS) expect(README).toContain(`\`${phone}\``);
    const found = await Promise.all(
      PHONE_FORMATS.map(async (phone) => {
        const result = await t.query<{ customerByPhone: { id: string } | null }>(
          /* GraphQL */ `
            query ($phone: String!) {
              customerByPhone(phone: $phone) {
                id
              }
            }
          `,
          { phone },
        );
        return result.data?.customerByPhone?.id ?? null;
      }),
    );
    expect(found[0]).toEqual(expect.any(String));
    expect(new Set(found)).toEqual(new Set([found[0]]));
  });

  it('shows the partial result a client gets with sales down', async () => {
    await checkPartialResult(t, blockContaining(SAMPLES.partialResult), {
      phone: VARIABLES.ScreenPop.phone as string,
      secret: SECRET,
    });
  });

  it('shows the stale read its freshness query answers once the copy has expired and sales is down', async () => {
    const sample = blockContaining(SAMPLES.staleRead);
    const query = BLOCKS[BLOCKS.indexOf(sample) - 1];
    expect(query.lang).toBe('graphql');
    await checkStaleRead(t, query.text, sample, {
      expire: () => (clockOffsetMs = (DEFAULTS.connectors.sales.freshness.ttlSeconds + 1) * 1000),
    });
  });

  it('shows a snapshot document as the snapshot run stores it', async () => {
    await checkSnapshotDocument(t, blockContaining(SAMPLES.snapshotDocument));
  });

  it('gives example configuration files the hub accepts', () => {
    checkConfigFile(blockContaining(SAMPLES.configFile));
    checkConfigFile(blockContaining(SAMPLES.trustedDocumentsConfig));
  });

  /** Keys a change notice in the script names (`/hooks/sales`, `"keys":["c-..."]`) that its system does not hold. */
  function unknownNoticeKeys(script: string): string[] {
    const system = /\/hooks\/(\w+)/.exec(script)?.[1] as SiloName | undefined;
    const keys = /"keys":\s*(\[[^\]]*\])/.exec(script)?.[1];
    if (!system || !keys) return [];
    const held = new Set(t.silos.world.people.map((person) => person.keys[system]));
    return (JSON.parse(keys) as string[]).filter((key) => !held.has(key)).map((key) => `${system}:${key}`);
  }

  /** The README's commands aim at the default ports; this hub and these systems listen elsewhere. */
  function onTestPorts(script: string): string {
    const hub = new URL(t.hub.url).host;
    let text = script.replace(/\b(?:localhost|127\.0\.0\.1):4000\b/g, hub);
    for (const name of SILO_NAMES) {
      const pattern = new RegExp(`\\b(?:localhost|127\\.0\\.0\\.1):${DEFAULT_SILO_PORTS[name]}\\b`, 'g');
      text = text.replace(pattern, new URL(t.silos.urls[name]).host);
    }
    // Never reach a hub or system someone else runs on the default ports.
    const left = /\S*:(?:4000|410[1-4])\b/.exec(text);
    if (left) throw new Error(`The script still names ${left[0]}, a default port this test cannot redirect`);
    return text;
  }
});
