import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../config';
import { signNotice, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../gateway';
import { SNAPSHOT_COLLECTION, type SnapshotDocument } from '../../../store';
import type { TestHub } from '../../helpers/hub';
import type { FencedBlock } from '../../helpers/markdown';

// Each check compares one of the README's sample outputs with what the demo world answers.

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/;

/** A sample with its timestamps (which no two runs share) matching any timestamp. */
function anyTimes(value: unknown): unknown {
  if (typeof value === 'string' && ISO_TIME.test(value)) return expect.stringMatching(ISO_TIME);
  if (Array.isArray(value)) return value.map(anyTimes);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, anyTimes(child)]));
  }
  return value;
}

/** Sends a signed change notice, as a department system would; it also clears the response cache. */
async function notice(t: TestHub, system: string, action: 'refresh' | 'evict', keys: string[], secret: string) {
  const body = JSON.stringify({ keys, action });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(new URL(`/hooks/${system}`, t.hub.url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signNotice(secret, body, timestamp),
      [TIMESTAMP_HEADER]: String(timestamp),
    },
    body,
  });
  if (!response.ok) throw new Error(`The ${action} notice answered HTTP ${response.status}: ${await response.text()}`);
}

async function keyOf(t: TestHub, phone: string, system: string): Promise<string> {
  const result = await t.query<{ customerByPhone: { links: Array<{ system: string; key: string }> } | null }>(
    /* GraphQL */ `
      query ($phone: String!) {
        customerByPhone(phone: $phone) {
          links {
            system
            key
          }
        }
      }
    `,
    { phone },
  );
  const key = result.data?.customerByPhone?.links.find((link) => link.system === system)?.key;
  if (!key) throw new Error(`The ${system} system does not know the customer at ${phone}`);
  return key;
}

/** The "failing system gives a partial result" sample: the screen pop's customer with sales down. */
export async function checkPartialResult(
  t: TestHub,
  block: FencedBlock,
  options: { phone: string; secret: string },
): Promise<void> {
  const sample: unknown = JSON.parse(block.text);
  // With a copy in the repository the hub would serve it, marked stale, instead of null.
  await notice(t, 'sales', 'evict', [await keyOf(t, options.phone, 'sales')], options.secret);
  await t.chaos('sales', { failRate: 1 });
  const result = await t.query(
    /* GraphQL */ `
      query ($phone: String!) {
        customerByPhone(phone: $phone) {
          name
          accounting {
            balance
          }
          sales {
            lifetimeValue
          }
        }
      }
    `,
    { phone: options.phone },
  );
  expect(result).toMatchObject(sample as Record<string, unknown>);
}

/**
 * The freshness sample: the README's query answered from the repository's copy after that copy's
 * TTL has passed (`expire` moves the hub's clock) and while sales is down.
 */
export async function checkStaleRead(
  t: TestHub,
  query: string,
  block: FencedBlock,
  options: { expire: () => void },
): Promise<void> {
  const sample: unknown = JSON.parse(block.text);
  const fresh = await t.query(query);
  expect(fresh.errors).toBeUndefined();
  await t.hub.settle(); // the copy the stale read will come from is in the repository
  options.expire();
  await t.chaos('sales', { failRate: 1 });
  expect(await t.query(query)).toMatchObject(anyTimes(sample) as Record<string, unknown>);
}

/** The `snapshots` document sample: its id, name and every figure it shows, against the stored document. */
export async function checkSnapshotDocument(t: TestHub, block: FencedBlock): Promise<void> {
  const id = /_id: '([^']+)'/.exec(block.text)?.[1];
  const name = /name: '([^']+)'/.exec(block.text)?.[1];
  const stored = await t.hub.store.db.collection<SnapshotDocument>(SNAPSHOT_COLLECTION).findOne({ _id: id });
  expect(stored).toMatchObject({ _id: id, name });
  // `figures: { accounting: { balance: 9711.27, ... }, ... }`, up to `asOf`; dates are written ISODate(...).
  const figuresText = block.text.slice(block.text.indexOf('figures:'), block.text.indexOf('asOf:'));
  const shown: Record<string, Record<string, unknown>> = {};
  for (const [, department, body] of figuresText.matchAll(/(\w+): \{([^{}]*)\}/g)) {
    shown[department] = Object.fromEntries(
      [...body.matchAll(/(\w+): (-?\d+(?:\.\d+)?|'[^']*')/g)].map(([, figure, value]) => [
        figure,
        value.startsWith("'") ? value.slice(1, -1) : Number(value),
      ]),
    );
  }
  // A department that does not know the customer has no entry, so the sample shows exactly the stored ones.
  expect(Object.keys(shown).sort()).toEqual(Object.keys(stored!.figures).sort());
  expect(stored!.figures).toMatchObject(shown);
}

/** The example configuration file: the hub's loader accepts it as a file named by SWITCHBOARD_CONFIG. */
export function checkConfigFile(block: FencedBlock): void {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-readme-'));
  try {
    const file = join(dir, 'switchboard.json');
    writeFileSync(file, block.text);
    expect(() => loadConfig({ env: { SWITCHBOARD_CONFIG: file } })).not.toThrow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
