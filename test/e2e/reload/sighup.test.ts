import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSilos, type RunningSilos } from '../../../silos';
import { killAll, removeCompiled, runCompiled, compileProject, type TestProcess } from '../../helpers/processes';

// `switchboard start` as an operator runs it, reloaded with `kill -HUP <pid>`.
const READY = /^Switchboard is serving the customer graph at (\S+)$/;
const START_MS = 60_000; // generous: a shared, busy machine
jest.setTimeout(3 * START_MS);

const CUSTOMER_FIELDS = /* GraphQL */ `
  {
    __type(name: "Customer") {
      fields {
        name
      }
    }
  }
`;

const started = new Set<number>();
let silos: RunningSilos;
let dir: string;
beforeAll(async () => {
  compileProject();
  silos = await startSilos({ seed: 7, scale: 50, ports: { accounting: 0, sales: 0, credit: 0, support: 0 } });
  dir = mkdtempSync(path.join(tmpdir(), 'sb-sighup-'));
});
afterAll(async () => {
  killAll(started);
  removeCompiled();
  await silos.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the hub's config file: the demo's systems, with `credit` as given. */
function writeConfig(file: string, credit: Record<string, unknown>): void {
  const config = {
    server: { host: '127.0.0.1', port: 0 },
    demo: { enabled: false },
    mongodb: { memory: true },
    connectors: {
      accounting: { url: silos.urls.accounting },
      sales: { url: silos.urls.sales },
      credit: { url: silos.urls.credit, ...credit },
      support: { url: silos.urls.support, enabled: false },
    },
  };
  writeFileSync(file, JSON.stringify(config));
}

async function customerFields(url: string): Promise<string[]> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: CUSTOMER_FIELDS }),
  });
  const body = (await response.json()) as { data: { __type: { fields: Array<{ name: string }> } } };
  return body.data.__type.fields.map((field) => field.name);
}

describe('switchboard start on SIGHUP', () => {
  it('reloads the connectors from its config file, and keeps serving when the new one does not start', async () => {
    const file = path.join(dir, 'switchboard.json');
    writeConfig(file, { enabled: false });
    const hub: TestProcess = runCompiled('gateway/cli.ts', ['start'], { SWITCHBOARD_CONFIG: file });
    started.add(hub.pid);
    const [, url] = await hub.waitForLine('stdout', READY, START_MS);
    expect(await customerFields(url)).not.toContain('credit');

    writeConfig(file, { enabled: true });
    hub.child.kill('SIGHUP');
    await hub.waitForLine(
      'stdout',
      /^Reloaded the connectors: serving accounting, sales, credit \(added credit\)$/,
      START_MS,
    );
    expect(await customerFields(url)).toContain('credit');

    writeConfig(file, { enabled: true, from: 'switchboard-connector-nowhere' });
    hub.child.kill('SIGHUP');
    const [refused] = await hub.waitForLine('stderr', /^error: Reloading the connectors was refused.*$/, START_MS);
    expect(refused).toBe(
      'error: Reloading the connectors was refused; still serving the previous configuration (accounting, sales, credit): ' +
        `Invalid config: connectors.credit.from: no connector package or folder "switchboard-connector-nowhere" can be found from ${path.join(__dirname, '..', '..', '..')}`,
    );
    expect(await customerFields(url)).toContain('credit');

    hub.child.kill('SIGTERM');
    expect(await hub.exited).toEqual({ code: 0, signal: null });
  });
});
