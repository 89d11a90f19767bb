import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse/sync';
import { runQueryCommand } from '../../gateway/query-command';
import { ApiKeyRepository } from '../../store/api-keys.repository';
import { startTestHub, type TestHub } from '../helpers/hub';

const TOP = /* GraphQL */ `
  query Top($first: Int = 4, $after: String) {
    customers(first: $first, after: $after) {
      totalCount
      nodes {
        id
        name
        accounting {
          balance
        }
      }
    }
  }
`;

describe('switchboard query: saved queries from a terminal', () => {
  let t: TestHub;
  let dir: string;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestHub({ scale: 30, auth: { enabled: true, keyCacheSeconds: 0 } });
    const keys = new ApiKeyRepository(t.hub.store.db);
    tokens.set('analyst', (await keys.create('ana', ['analyst'])).token);
    tokens.set('sales', (await keys.create('desk', ['sales'])).token);
    dir = mkdtempSync(path.join(tmpdir(), 'sb-query-'));
  });
  afterAll(() => t.close());

  /** Runs the command as `who`, collecting what it prints and what `run` streams to stdout. */
  async function query(who: string, ...args: string[]) {
    return queryTo(new PassThrough(), who, ...args);
  }

  /** The same, with `run` streaming into `stdout`. */
  async function queryTo(stdout: Writable, who: string, ...args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const streamed: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => streamed.push(chunk));
    const status = await runQueryCommand(
      args,
      { out: (line) => out.push(line), err: (line) => err.push(line) },
      {
        env: { SWITCHBOARD_URL: t.hub.url.replace('/graphql', ''), SWITCHBOARD_API_KEY: tokens.get(who) },
        stdout,
        progress: false,
      },
    );
    return { status, out: out.join('\n'), err: err.join('\n'), stdout: Buffer.concat(streamed).toString('utf8') };
  }

  it('saves a query from a file, lists it, shows it and runs it to a CSV file', async () => {
    const file = path.join(dir, 'top.graphql');
    writeFileSync(file, TOP);
    const saved = await query(
      'analyst',
      'save',
      'top-balances',
      '--file',
      file,
      '--description',
      'Top',
      '--tags',
      'a,b',
    );
    expect(saved).toMatchObject({ status: 0, out: 'Saved top-balances as version 1' });

    const listed = await query('analyst', 'list', '--tag', 'a');
    expect(listed.status).toBe(0);
    expect(listed.out.split('\n')[0]).toMatch(/^name\s+version\s+status\s+tags\s+description$/);
    expect(listed.out).toMatch(/top-balances\s+1\s+OK\s+a,b\s+Top/);

    const shown = await query('analyst', 'show', 'top-balances');
    expect(JSON.parse(shown.out)).toMatchObject({ name: 'top-balances', version: 1, document: TOP });

    const out = path.join(dir, 'top.csv');
    const ran = await query('analyst', 'run', 'top-balances', '--format', 'csv', '--var', 'first=5', '--out', out);
    expect(ran).toMatchObject({ status: 0, err: '' });
    const rows = parseCsv<Record<string, string>>(readFileSync(out, 'utf8'), { columns: true });
    // Every customer, across pages of 5: the world's directory holds them all.
    expect(rows.length).toBeGreaterThan(5 * 3);
    expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length);
    expect(Object.keys(rows[0])).toEqual(['id', 'name', 'accounting.balance']);
  });

  it('prints a table, and streams NDJSON to stdout', async () => {
    const shown = await query('analyst', 'run', 'top-balances', '--format', 'table', '--var', 'first=10');
    expect(shown.status).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+name\s+accounting\.balance$/);
    expect(lines[1]).toMatch(/^-+\s+-+\s+-+$/);
    const ndjson = await query('analyst', 'run', 'top-balances', '--format', 'ndjson');
    expect(ndjson.stdout.trimEnd().split('\n').length).toBe(lines.length - 2);
  });

  it('says what the hub refused, and exits 1', async () => {
    const missing = await query('analyst', 'run', 'win-back-list');
    expect(missing.status).toBe(1);
    expect(missing.err).toContain('lastOrderBefore');
    expect(missing.err).toContain('BAD_USER_INPUT');
    const invalid = path.join(dir, 'bad.graphql');
    writeFileSync(invalid, '{ customers { nodes { nope } } }');
    const bad = await query('analyst', 'save', 'bad-one', '--file', invalid, '--description', 'x');
    expect(bad.status).toBe(1);
    expect(bad.err).toContain('SAVED_QUERY_INVALID');
    expect(bad.err).toContain('Cannot query field "nope"');
    const forbidden = await query('sales', 'delete', 'top-balances');
    expect(forbidden).toMatchObject({ status: 1 });
    expect(forbidden.err).toContain('FORBIDDEN');
  });

  it('exits 3 when a run answered with errors, naming how many', async () => {
    const file = path.join(dir, 'scores.graphql');
    writeFileSync(
      file,
      'query ($first: Int = 10, $after: String) { customers(first: $first, after: $after) { nodes { id credit { score } } } }',
    );
    await query('analyst', 'save', 'scores', '--file', file, '--description', 'Scores');
    const ran = await query('sales', 'run', 'scores', '--format', 'csv');
    expect(ran.status).toBe(3);
    expect(ran.err).toMatch(/scores: \d+ \(FORBIDDEN\) errors/);
  });

  it('writes --out FILE whole or not at all, and says so when it cannot write there', async () => {
    const file = path.join(dir, 'out', 'top.csv');
    const nowhere = await query('analyst', 'run', 'top-balances', '--format', 'csv', '--out', file);
    expect(nowhere.status).toBe(1);
    expect(nowhere.err).toContain(`Cannot write ${file}: ENOENT`);
    expect(existsSync(path.dirname(file))).toBe(false);
    const fine = path.join(dir, 'whole.csv');
    expect((await query('analyst', 'run', 'top-balances', '--format', 'csv', '--out', fine)).status).toBe(0);
    expect(readFileSync(fine, 'utf8').split('\n')[0]).toBe('id,name,accounting.balance');
    // Written beside it under another name, then renamed: nothing of the kind is left behind.
    expect(readdirSync(dir).filter((name) => name.endsWith('.part'))).toEqual([]);
    // A device is written as it is, not replaced by a renamed file.
    expect((await query('analyst', 'run', 'top-balances', '--format', 'csv', '--out', '/dev/null')).status).toBe(0);
    expect(existsSync('/dev/null.part')).toBe(false);
  });

  it('ends quietly, exit 0, when the reader of its output goes away (| head)', async () => {
    let writes = 0;
    const closedPipe = new Writable({
      write(_chunk, _encoding, callback) {
        writes += 1;
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const ran = await queryTo(closedPipe, 'analyst', 'run', 'top-balances', '--format', 'csv');
    expect(writes).toBe(1);
    expect(ran).toMatchObject({ status: 0, err: '' });
  });

  it('refuses being used wrongly with its usage, exit 2', async () => {
    const wrong = await query('analyst', 'run');
    expect(wrong.status).toBe(2);
    expect(wrong.err).toContain("query run needs a saved query's name");
    expect(wrong.err).toContain('Usage: switchboard query');
    expect((await query('analyst', 'run', 'x', '--format', 'xlsx')).status).toBe(2);
    expect((await query('analyst', 'run', 'x', '--var', 'novalue')).status).toBe(2);
  });
});
