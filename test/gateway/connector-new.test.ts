import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { CONTRACT_CHECK_NAMES } from '../../connectors/kit/testing';
import { runConnectorCommand, type CommandIo } from '../../gateway/connector-command';
import { startRestSystem, type RunningRestSystem } from '../helpers/rest-system';
import { startSilos } from '../../silos';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

/** An `io` that keeps what the command printed. */
function capture(): CommandIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (line) => out_.push(line), err: (line) => err_.push(line) };
}

describe('switchboard connector new', () => {
  // Inside test/, so this repository's tsconfig, jest config and node_modules apply to what it writes.
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(path.join(ROOT, 'test', 'scaffold-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each([
    [
      'Loyalty',
      'lower-case letters and digits, starting with a letter, at most 24 (it becomes Customer.<name>), but got "Loyalty"',
    ],
    ['a234567890123456789012345', 'but got "a234567890123456789012345"'],
    ['loyalty-points', 'but got "loyalty-points"'],
    ['2fa', 'but got "2fa"'],
    ['credit', 'There is already a connector named "credit" in this package: choose another name'],
    ['kit', 'There is already a connector named "kit" in this package'],
  ])('refuses the name %s with exit code 2, saying why', async (name, message) => {
    const io = capture();
    await expect(runConnectorCommand(['new', name, '--out', out], io)).resolves.toBe(2);
    expect(io.err_.join('\n')).toContain(message);
    expect(io.err_.join('\n')).toContain('Usage: switchboard connector new <name> [--out DIR]');
    expect(readdirSync(out)).toEqual([]);
  });

  it('refuses a name without a connector, an unknown option and a folder that is not empty', async () => {
    const io = capture();
    await expect(runConnectorCommand(['new'], io)).resolves.toBe(2);
    await expect(runConnectorCommand(['new', 'loyalty', '--into', out], io)).resolves.toBe(2);
    const taken = path.join(out, 'taken');
    rmSync(taken, { recursive: true, force: true });
    await runConnectorCommand(['new', 'taken', '--out', out], capture());
    await expect(runConnectorCommand(['new', 'taken', '--out', out], io)).resolves.toBe(2);
    rmSync(taken, { recursive: true, force: true });
    expect(io.err_.map((text) => text.split('\n')[0])).toEqual([
      'connector new needs the name of the connector',
      'Unknown option --into',
      `${taken} already exists and is not empty: choose another name or --out`,
    ]);
  });

  it("imports a declarative connector from a system's OpenAPI document, to a folder or to standard output", async () => {
    const silos = await startSilos({ only: ['marketing'], ports: { marketing: 0 }, scale: 20 });
    try {
      const openapi = `${silos.urls.marketing}/openapi.json`;
      const io = capture();
      await expect(runConnectorCommand(['new', 'shop', '--from-openapi', openapi, '--out', out], io)).resolves.toBe(0);
      const yaml = readFileSync(path.join(out, 'shop', 'shop.yaml'), 'utf8');
      expect(yaml).toContain('name: shop');
      // The importer picked the system's batch read and its directory from the document.
      expect(yaml).toContain('path: /subscribers/batch');
      expect(io.out_.join('\n')).toContain('"from": "./test/');
      // With its contract test, which loads the declaration as the hub does.
      const contract = readFileSync(path.join(out, 'shop', 'shop.contract.test.ts'), 'utf8');
      expect(contract).toContain("loadConnectorDeclaration(path.join(__dirname, 'shop.yaml'))");
      expect(contract).toContain("from '../../../connectors/declarative'");

      const printed = capture();
      await expect(runConnectorCommand(['import', openapi, '--name', 'mailer'], printed)).resolves.toBe(0);
      expect(printed.out_.join('\n')).toContain('name: mailer');
      const usage = capture();
      await expect(runConnectorCommand(['import', openapi], usage)).resolves.toBe(2);
      expect(usage.err_.join('\n')).toContain('--name is required');
    } finally {
      await silos.close();
      rmSync(path.join(out, 'shop'), { recursive: true, force: true });
    }
  });

  describe('a scaffolded connector', () => {
    let system: RunningRestSystem;
    let folder: string;
    const io = capture();
    beforeAll(async () => {
      system = await startRestSystem({ records: 'records', count: 40 });
      await expect(runConnectorCommand(['new', 'loyalty', '--out', out], io)).resolves.toBe(0);
      folder = path.join(out, 'loyalty');
    });
    afterAll(() => system.close());

    it('writes the six files by role, with TODO markers where the integrator decides', () => {
      const files = [
        'index.ts',
        'loyalty.contract.test.ts',
        'loyalty.figures.ts',
        'loyalty.mapper.ts',
        'loyalty.transport.ts',
        'loyalty.types.ts',
      ];
      expect(readdirSync(folder).sort()).toEqual(files);
      expect(io.out_.slice(0, 6).map((line) => path.basename(line))).toEqual([
        'index.ts',
        'loyalty.types.ts',
        'loyalty.mapper.ts',
        'loyalty.transport.ts',
        'loyalty.figures.ts',
        'loyalty.contract.test.ts',
      ]);
      for (const file of files) expect(readFileSync(path.join(folder, file), 'utf8')).toContain('TODO(integrator)');
      expect(readFileSync(path.join(folder, 'loyalty.transport.ts'), 'utf8')).toContain('createSiloClient');
    });

    it('writes files prettier and eslint leave as they are', async () => {
      // Rejects (naming the file and the rule) when either finds something.
      await run(process.execPath, [path.join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--check', folder], {
        cwd: ROOT,
      });
      await run(
        process.execPath,
        [path.join(ROOT, 'node_modules/eslint/bin/eslint.js'), '--max-warnings', '0', folder],
        {
          cwd: ROOT,
        },
      );
    });

    it("compiles under this repository's tsconfig", async () => {
      const tsconfig = path.join(folder, 'tsconfig.json');
      writeFileSync(tsconfig, JSON.stringify({ extends: path.join(ROOT, 'tsconfig.json'), include: ['.'] }));
      try {
        await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', tsconfig]);
      } finally {
        rmSync(tsconfig);
      }
    });

    it('passes its own contract test against a system of the assumed shape', async () => {
      const report = path.join(out, 'loyalty-report.json');
      // Asynchronous: the fake system answers from this process while the child jest runs.
      await run(
        process.execPath,
        [
          path.join(ROOT, 'node_modules/jest/bin/jest.js'),
          '--rootDir',
          ROOT,
          '--runTestsByPath',
          path.join(folder, 'loyalty.contract.test.ts'),
          '--json',
          '--outputFile',
          report,
        ],
        { cwd: ROOT, env: { ...process.env, LOYALTY_URL: system.url } },
      );
      const results = JSON.parse(readFileSync(report, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        numPendingTests: number;
      };
      expect(results).toMatchObject({
        numPassedTests: CONTRACT_CHECK_NAMES.length,
        numFailedTests: 0,
        numPendingTests: 0,
      });
      // It read the system: a batch of the directory's first keys, as the system lists them.
      expect(system.batches.some((batch) => batch.ids.includes(system.records[0].id))).toBe(true);
    });
  });
});
