import { ConfigError, loadConfig, type ConnectorConfig } from '../config';
import type { ConnectorFactory } from '../connectors/kit';
import { runContractChecks, sampleKeys, type ContractCheckResult } from '../connectors/kit/testing';
import { CommandUsageError, parseFlags, type CommandIo } from './command-args';
import { loadConnectorFactory } from './connector-discovery';
import { loadConnectorDeclaration } from './declarations';

/** How many keys of the directory's first page the check samples when `--keys` names none. */
const SAMPLE_KEYS = 10;

/** A key no system should know, for the unknown-key check when `--unknown-key` names none. */
const DEFAULT_UNKNOWN_KEY = 'switchboard-check-no-such-customer';

/** One line per check: ✓ or ✗ (– when it did not apply), its name and what it found. */
export function formatCheckReport(results: readonly ContractCheckResult[]): string[] {
  const lines = results.map((result) => {
    const mark = result.skipped ? '–' : result.ok ? '✓' : '✗';
    return `${mark} ${result.name}: ${result.detail}`;
  });
  const failed = results.filter((result) => !result.ok).length;
  const skipped = results.filter((result) => result.skipped).length;
  const passed = results.length - failed - skipped;
  const parts = [
    `${passed} passed`,
    ...(failed ? [`${failed} failed`] : []),
    ...(skipped ? [`${skipped} skipped`] : []),
  ];
  return [...lines, `${results.length} checks: ${parts.join(', ')}`];
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new CommandUsageError(`--${flag} expects a whole number of at least 1, but got "${value}"`);
  return number;
}

/**
 * `switchboard connector check <name>`: runs the contract checks against the system the hub's
 * configuration points the connector at, and prints one line per check and a summary. Resolves
 * to 0 when every check passed, 1 when one failed (or the sample keys could not be read), 2 for
 * a command or configuration that cannot be run.
 */
export async function runConnectorCheck(
  argv: readonly string[],
  io: CommandIo,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const { flags, positional } = parseFlags(argv, ['keys', 'unknown-key', 'max-pages']);
  const [name, extra] = positional;
  if (name === undefined) throw new CommandUsageError('connector check needs the name of a configured connector');
  if (extra !== undefined) throw new CommandUsageError(`Unexpected argument "${extra}"`);
  const maxPages = positiveInteger('max-pages', flags.get('max-pages'));
  const givenKeys = flags
    .get('keys')
    ?.split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');

  let factory: ConnectorFactory;
  let config: ConnectorConfig;
  try {
    const hub = loadConfig({ env: options.env ?? process.env });
    config = hub.connectors[name];
    if (!config)
      throw new ConfigError(
        `The configuration has no connector named "${name}" (it has: ${Object.keys(hub.connectors).join(', ') || 'none'})`,
      );
    factory = loadConnectorFactory(name, config.from, loadConnectorDeclaration);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(error.message);
    return 2;
  }

  let known: string[];
  if (givenKeys) known = givenKeys;
  else {
    try {
      known = await sampleKeys(factory, config, SAMPLE_KEYS);
    } catch (error) {
      io.err(`✗ could not read sample keys from the ${name} system's directory: ${(error as Error).message}`);
      return 1;
    }
  }
  io.out(`Contract checks of the ${name} connector against ${config.url}, with keys ${known.join(', ')}:`);
  const results = await runContractChecks({
    factory,
    config,
    keys: { known, unknown: flags.get('unknown-key') ?? DEFAULT_UNKNOWN_KEY },
    directory: maxPages === undefined ? undefined : { maxPages },
  });
  for (const line of formatCheckReport(results)) io.out(line);
  return results.every((result) => result.ok) ? 0 : 1;
}
