import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { CONTRACT_CHECK_NAMES } from '../../connectors/kit/testing';
import { runConnectorCommand, type CommandIo } from '../../gateway/connector-command';
import { startSilos, type RunningSilos } from '../../silos';
import { startCarelessCreditBureau } from '../helpers/careless-credit-bureau';

/** An `io` that keeps what the command printed. */
function capture(): CommandIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (line) => lines.push(line), err: (line) => errors.push(line) };
}

describe('switchboard connector check', () => {
  let silos: RunningSilos;
  let careless: Awaited<ReturnType<typeof startCarelessCreditBureau>>;
  let folder: string;
  let env: NodeJS.ProcessEnv;
  let carelessEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    silos = await startSilos({ scale: 200, seed: 7, ports: { accounting: 0, sales: 0, credit: 0, support: 0 } });
    careless = await startCarelessCreditBureau(silos.world.credit);
    folder = mkdtempSync(path.join(tmpdir(), 'switchboard-check-'));
    const configFile = (name: string, urls: Record<string, string>) => {
      const file = path.join(folder, name);
      const connectors = Object.fromEntries(Object.entries(urls).map(([connector, url]) => [connector, { url }]));
      writeFileSync(file, JSON.stringify({ demo: { enabled: false }, connectors }));
      return { SWITCHBOARD_CONFIG: file };
    };
    env = configFile('hub.json', silos.urls);
    // The built-in credit connector, pointed at a bureau that gets things wrong.
    carelessEnv = configFile('careless.json', { ...silos.urls, credit: careless.url });
  });
  afterAll(async () => {
    await Promise.all([silos.close(), careless.close()]);
    rmSync(folder, { recursive: true, force: true });
  });

  it('passes every check of the credit connector against the demo credit bureau, and exits 0', async () => {
    const io = capture();
    await expect(runConnectorCommand(['check', 'credit'], io, { env })).resolves.toBe(0);
    // The sample keys are the first page of the bureau's own directory.
    const { data } = await axios.get<{ results: Array<{ taxNumber: string }> }>(`${silos.urls.credit}/profiles`, {
      params: { offset: 0, limit: 10 },
    });
    const keys = data.results.map((profile) => profile.taxNumber);
    expect(io.lines[0]).toBe(
      `Contract checks of the credit connector against ${silos.urls.credit}, with keys ${keys.join(', ')}:`,
    );
    expect(io.lines.slice(1, -1).map((line) => line.slice(0, line.indexOf(':')))).toEqual(
      CONTRACT_CHECK_NAMES.map((name) => `✓ ${name}`),
    );
    expect(io.lines.at(-1)).toBe(`${CONTRACT_CHECK_NAMES.length} checks: ${CONTRACT_CHECK_NAMES.length} passed`);
    expect(io.errors).toEqual([]);
  });

  it('checks the keys --keys names, and walks no more directory pages than --max-pages', async () => {
    const keys = [silos.world.credit[4].taxNumber, silos.world.credit[9].taxNumber, silos.world.credit[1].taxNumber];
    const io = capture();
    const code = await runConnectorCommand(['check', 'credit', '--keys', keys.join(','), '--max-pages', '1'], io, {
      env,
    });
    expect(code).toBe(0);
    expect(io.lines).toContain(
      `✓ makes one upstream request for many keys: 1 request for 3 keys (counted by the system's /_stats)`,
    );
    expect(io.lines).toContain(
      `✓ answers in key order, with null for unknown and null keys: "${keys[2]}", "switchboard-check-no-such-customer", null, "${keys[0]}", "${keys[1]}" answered in order`,
    );
    expect(io.lines).toContain(
      '✓ walks the directory to its end, listing each key once: 1 page of up to 50, 50 keys, each once; stopped after 1 page, before the end (a larger page bound walks further)',
    );
  });

  it('fails, and exits 1, against a bureau that answers unknown keys and repeats directory entries', async () => {
    const io = capture();
    await expect(runConnectorCommand(['check', 'credit'], io, { env: carelessEnv })).resolves.toBe(1);
    const sorted = silos.world.credit.map((profile) => profile.taxNumber).sort();
    const failed = io.lines.filter((line) => line.startsWith('✗'));
    expect(failed).toEqual([
      expect.stringMatching(
        /^✗ answers in key order, with null for unknown and null keys: the unknown key "switchboard-check-no-such-customer" answered \{"taxNumber":"switchboard-check-no-such-customer","legalName":"",/,
      ),
      `✗ walks the directory to its end, listing each key once: "${sorted[49]}" is listed twice (again on page 2)`,
    ]);
    // Answers in its own order, and duplicates twice: the connector pairs by key, so these pass.
    expect(io.lines.filter((line) => line.startsWith('✓ asks the system once'))).toHaveLength(1);
    expect(io.lines.at(-1)).toBe(
      `${CONTRACT_CHECK_NAMES.length} checks: ${CONTRACT_CHECK_NAMES.length - 2} passed, 2 failed`,
    );
  });

  it('refuses a connector the configuration does not name, and bad options, with exit code 2', async () => {
    const io = capture();
    await expect(runConnectorCommand(['check', 'loyalty'], io, { env })).resolves.toBe(2);
    await expect(runConnectorCommand(['check'], io, { env })).resolves.toBe(2);
    await expect(runConnectorCommand(['check', 'credit', '--max-pages', '0'], io, { env })).resolves.toBe(2);
    expect(io.errors.map((text) => text.split('\n')[0])).toEqual([
      'The configuration has no connector named "loyalty" (it has: accounting, sales, credit, support, marketing)',
      'connector check needs the name of a configured connector',
      '--max-pages expects a whole number of at least 1, but got "0"',
    ]);
    expect(io.lines).toEqual([]);
  });
});
