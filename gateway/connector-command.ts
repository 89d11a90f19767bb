import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommandUsageError, parseFlags, type CommandIo } from './command-args';
import { runConnectorCheck } from './connector-check-command';
import { declarationContractTest, scaffoldFiles } from './connector-scaffold';
import { runConnectorImport as importOpenApiCommand } from '../connectors/declarative';

export type { CommandIo } from './command-args';

/** A `connector` subcommand: its arguments after the subcommand's name; resolves to the exit code. */
export type ConnectorSubcommand = (argv: readonly string[], io: CommandIo) => Promise<number>;

/** `connector import ...`: the declarative connectors' OpenAPI importer, on this command's io. */
const runConnectorImport: ConnectorSubcommand = (argv, io) =>
  importOpenApiCommand(['import', ...argv], {
    stdout: (text) => io.out(text.replace(/\n$/, '')),
    stderr: (text) => io.err(text.replace(/\n$/, '')),
  });

export const CONNECTOR_USAGE = `Usage: switchboard connector new <name> [--out DIR]
       switchboard connector check <name> [--keys a,b,c] [--unknown-key KEY] [--max-pages N]
       switchboard connector import <openapi-url-or-file> --name N [--batch ID] [--directory ID] [--out FILE]
       switchboard connector new <name> --from-openapi URL [--out DIR]

  new     write a working code connector to DIR/<name> (default DIR: connectors), for the REST shape
          POST /records/batch {ids} and a cursor directory; edit where it says TODO(integrator)
  check   run the connector contract against the system the hub's configuration points it at, with
          sample keys from its directory's first page unless --keys names them
  import  write a declarative connector imported from an OpenAPI document (to FILE or standard output),
          picking its batch read and directory (or the operations --batch and --directory name)`;

/** This package's connectors: `connectors/` beside `gateway/`, in source or in dist/. */
const PACKAGE_CONNECTORS = path.join(__dirname, '..', 'connectors');

/** The kit's folder: the source one when run from dist/ inside a checkout (its types are there). */
function kitFolder(): string {
  const candidates = [path.join(__dirname, '..', '..', 'connectors', 'kit'), path.join(PACKAGE_CONNECTORS, 'kit')];
  return candidates.find((folder) => existsSync(path.join(folder, 'index.ts'))) ?? candidates[1];
}

/** Checks a new connector's name: the `Customer` field and the config key, so lower-case letters and digits. */
function checkedName(name: string | undefined, folder: (name: string) => string): string {
  if (name === undefined) throw new CommandUsageError('connector new needs the name of the connector');
  if (!/^[a-z][a-z0-9]{0,23}$/.test(name))
    throw new CommandUsageError(
      `A connector's name is lower-case letters and digits, starting with a letter, at most 24 (it becomes Customer.<name>), but got "${name}"`,
    );
  if (existsSync(path.join(PACKAGE_CONNECTORS, name)))
    throw new CommandUsageError(`There is already a connector named "${name}" in this package: choose another name`);
  const target = folder(name);
  if (existsSync(target) && readdirSync(target).length > 0)
    throw new CommandUsageError(`${target} already exists and is not empty: choose another name or --out`);
  return name;
}

/** A module specifier for `to`, as imported from files in `from`. */
function importPath(from: string, to: string): string {
  const relative = path.relative(from, to).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

async function runNew(argv: readonly string[], io: CommandIo): Promise<number> {
  const { flags, positional } = parseFlags(argv, ['out', 'from-openapi']);
  const out = path.resolve(flags.get('out') ?? 'connectors');
  const name = checkedName(positional[0], (candidate) => path.join(out, candidate));
  if (positional.length > 1) throw new CommandUsageError(`Unexpected argument "${positional[1]}"`);
  const openapi = flags.get('from-openapi');
  if (openapi !== undefined) {
    // A declarative connector: the imported declaration, for the integrator to review.
    const file = path.join(out, name, `${name}.yaml`);
    mkdirSync(path.dirname(file), { recursive: true });
    const status = await runConnectorImport([openapi, '--name', name, '--out', file], io);
    if (status === 0) {
      const test = declarationContractTest(name, importPath(path.dirname(file), kitFolder()));
      writeFileSync(path.join(path.dirname(file), test.name), test.text);
      io.out(`Wrote ${path.relative(process.cwd(), path.join(path.dirname(file), test.name))}`);
      io.out('');
      io.out(`Next: review ${path.relative(process.cwd(), file)} (descriptions, figures, example), then`);
      io.out(
        `  configure it:   "connectors": { "${name}": { "from": "${importPath(process.cwd(), file)}", "url": "http://..." } }`,
      );
      io.out(`  check it live:  switchboard connector check ${name}`);
    }
    return status;
  }
  const folder = path.join(out, name);
  mkdirSync(folder, { recursive: true });
  for (const file of scaffoldFiles(name, importPath(folder, kitFolder()))) {
    writeFileSync(path.join(folder, file.name), file.text);
    io.out(`Wrote ${path.relative(process.cwd(), path.join(folder, file.name))}`);
  }
  const shown = importPath(process.cwd(), folder);
  io.out('');
  io.out(`Next: edit the TODO(integrator) markers for your system's API, then`);
  io.out(`  configure it:   "connectors": { "${name}": { "from": "${shown}", "url": "http://..." } }`);
  io.out(`  run its tests:  ${name.toUpperCase()}_URL=http://... npx jest ${name}.contract`);
  io.out(`  check it live:  switchboard connector check ${name}`);
  return 0;
}

/**
 * `switchboard connector ...`: tools for writing connectors. `argv` is what follows
 * `connector`; resolves to the process exit code (2 for a command used wrongly). `env` is where
 * the hub's configuration is read from (default `process.env`).
 */
export async function runConnectorCommand(
  argv: readonly string[],
  io: CommandIo,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const [action, ...rest] = argv;
  if (action === '--help' || action === '-h') {
    io.out(CONNECTOR_USAGE);
    return 0;
  }
  try {
    if (action === 'new') return await runNew(rest, io);
    if (action === 'check') return await runConnectorCheck(rest, io, options);
    if (action === 'import') return await runConnectorImport(rest, io);
    throw new CommandUsageError(
      action === undefined ? 'connector needs a subcommand' : `Unknown subcommand "${action}"`,
    );
  } catch (error) {
    if (!(error instanceof CommandUsageError)) throw error;
    io.err(`${error.message}\n\n${CONNECTOR_USAGE}`);
    return 2;
  }
}
