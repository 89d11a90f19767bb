import { connectorConfigSchema } from '../../../config';
import { bareRuntime } from '../../../gateway/runtime';
import type { ConnectorFactory } from '../contract';
import { duplicateKeysOnce, keyOrder, mergeFieldShape, oneRequestForManyKeys } from './batch-checks';
import { healthyWhileUp, timeoutHonoured, unavailableMapped, unhealthyWhenDown } from './failure-checks';
import { directoryWalk, everythingDescribed, figuresAgreeWithGraph } from './graph-checks';
import type { CheckSubject, ContractCheck } from './subject';
import type { ConnectorConfigInput, ContractCheckOptions, ContractCheckResult } from './types';

/** Every contract check, in the order they run and are reported. */
const CHECKS: readonly ContractCheck[] = [
  mergeFieldShape,
  oneRequestForManyKeys,
  keyOrder,
  duplicateKeysOnce,
  unavailableMapped,
  timeoutHonoured,
  healthyWhileUp,
  unhealthyWhenDown,
  everythingDescribed,
  figuresAgreeWithGraph,
  directoryWalk,
];

/** The name of every contract check, in the order `runContractChecks` reports them. */
export const CONTRACT_CHECK_NAMES: readonly string[] = CHECKS.map((check) => check.name);

/**
 * Runs the connector contract against a running system and returns one result per check,
 * in `CONTRACT_CHECK_NAMES` order. Never rejects for a failed check: a check that throws is a
 * failed result whose detail is the error's message. Servers it starts listen on loopback and
 * are closed before it resolves; the real system only ever sees reads.
 *
 * @example
 * const results = await runContractChecks({
 *   factory: connector,
 *   config: { url: 'http://127.0.0.1:4103' },
 *   keys: { known: ['12-3456789', '98-7654321', '55-5555555'], unknown: '00-0000000' },
 * });
 * for (const r of results) console.log(r.ok ? '✓' : '✗', r.name, r.detail);
 */
export async function runContractChecks(options: ContractCheckOptions): Promise<ContractCheckResult[]> {
  const unknownNames = (options.only ?? []).filter((name) => !CONTRACT_CHECK_NAMES.includes(name));
  if (unknownNames.length)
    throw new TypeError(
      `runContractChecks expected only to name contract checks (${CONTRACT_CHECK_NAMES.join('; ')}), but got "${unknownNames[0]}".`,
    );
  const config = connectorConfigSchema.parse(options.config);
  const create = (overrides: Partial<ConnectorConfigInput>) =>
    options.factory.create(connectorConfigSchema.parse({ ...options.config, ...overrides }), bareRuntime());
  const subject: CheckSubject = { options, factory: options.factory, config, connector: create({}), create };
  const results: ContractCheckResult[] = [];
  for (const check of CHECKS) {
    if (options.only && !options.only.includes(check.name)) continue;
    try {
      results.push({ name: check.name, ...(await check.run(subject)) });
    } catch (error) {
      results.push({ name: check.name, ok: false, detail: `threw: ${(error as Error).message}` });
    }
  }
  await subject.connector.settle();
  return results;
}

/**
 * Up to `count` keys from the first page of the system's own directory, for checks run against
 * a system whose keys nobody wrote down. Rejects (with a hub error) when the system fails.
 */
export async function sampleKeys(
  factory: ConnectorFactory,
  config: ConnectorConfigInput,
  count: number,
): Promise<string[]> {
  const connector = factory.create(connectorConfigSchema.parse(config), bareRuntime());
  for await (const page of connector.directory(count)) return page.slice(0, count).map((entry) => entry.key);
  return [];
}
