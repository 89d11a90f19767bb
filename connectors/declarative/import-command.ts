import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { declarationToYaml, importOpenApi, OpenApiImportError } from './openapi/import';

/** Where the command writes: the hub CLI passes the process's streams; tests pass buffers. */
export interface ImportCommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Writes `--out`; default `fs.writeFileSync`. */
  writeFile?(file: string, text: string): void;
}

const USAGE =
  'Usage: switchboard connector import <openapi-url-or-file> --name <name> [--batch <operationId>] [--directory <operationId>] [--out <file>]';

/** Writes the declaration to `file`, creating its folder; a file system refusal is one sentence. */
function writeDeclaration(file: string, text: string, io: ImportCommandIo): void {
  try {
    if (io.writeFile) io.writeFile(file, text);
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  } catch (error) {
    throw new OpenApiImportError(`Cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? 'it failed'}`);
  }
}

/** A usage problem: exit status 2, with the usage line. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

function parseArguments(argv: readonly string[]) {
  const [command, ...rest] = argv;
  if (command !== 'import')
    throw new UsageError(command ? `unknown connector command "${command}"` : 'missing command');
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i += 1) {
    const arg = rest[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const flag = arg.slice(2);
    if (!['name', 'batch', 'directory', 'out'].includes(flag)) throw new UsageError(`unknown option ${arg}`);
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value`);
    if (flags.has(flag)) throw new UsageError(`${arg} is given twice`);
    flags.set(flag, value);
    i += 1;
  }
  if (positional.length !== 1)
    throw new UsageError(
      positional.length
        ? `expected one document, got ${positional.length}`
        : 'missing the OpenAPI document (a URL or a file)',
    );
  const name = flags.get('name');
  if (!name) throw new UsageError('--name is required');
  if (!/^[a-z][a-z0-9]*$/.test(name))
    throw new UsageError(`--name must be lower-case letters and digits, got "${name}"`);
  return {
    source: positional[0],
    name,
    batch: flags.get('batch'),
    directory: flags.get('directory'),
    out: flags.get('out'),
  };
}

/**
 * `switchboard connector import <openapi-url-or-file> --name N [--batch <operationId>]
 * [--directory <operationId>] [--out file]`: writes a connector declaration imported from an
 * OpenAPI document, to `--out` or standard output, and lists what to review on standard error.
 * `argv` is what follows `connector`. Resolves to the exit status: 0 written, 1 the document
 * cannot be imported (the message says why, and names the candidates when it is ambiguous),
 * 2 a usage error.
 *
 * @example
 * process.exitCode = await runConnectorImport(['import', 'http://127.0.0.1:4105/openapi.json', '--name', 'marketing'], { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
 */
export async function runConnectorImport(argv: readonly string[], io: ImportCommandIo): Promise<number> {
  let args: ReturnType<typeof parseArguments>;
  try {
    args = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const { declaration, warnings } = await importOpenApi(args.source, {
      name: args.name,
      batchOperation: args.batch,
      directoryOperation: args.directory,
    });
    const yaml = declarationToYaml(declaration, warnings, args.source);
    if (args.out) writeDeclaration(args.out, yaml, io);
    else io.stdout(yaml);
    io.stderr(
      `${args.out ? `Wrote ${args.out}. ` : ''}Review ${warnings.length} item${warnings.length === 1 ? '' : 's'} before use:\n${warnings.map((w) => `  - ${w}\n`).join('')}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof OpenApiImportError)) throw error;
    io.stderr(`${error.message}\n`);
    return 1;
  }
}
