import type { Connector } from '../contract';
import { occurrencesOf, startCountingProxy } from './loopback';
import { departmentsOf, executeOn, leafSelection, mergeQuery } from './probe';
import { fail, listed, pass, shown, type ContractCheck } from './subject';

type Department = Record<string, unknown> | null;

/** The department field for each key, selecting every leaf field; rejects when GraphQL answers errors. */
async function read(connector: Connector, keys: ReadonlyArray<string | null>): Promise<Department[]> {
  const result = await executeOn(connector, mergeQuery(connector, leafSelection(connector)), { keys });
  if (result.errors?.length) throw new Error(`the merge field answered an error: ${result.errors[0].message}`);
  return departmentsOf(result, connector);
}

/** How many API requests the system at `url` has served, from its `/_stats`; null when it has none. */
async function statsCount(url: string, timeoutMs: number): Promise<number | null> {
  try {
    const response = await fetch(`${url.replace(/\/$/, '')}/_stats`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return null;
    const body = (await response.json()) as { requests?: unknown };
    return typeof body.requests === 'number' ? body.requests : null;
  } catch {
    return null;
  }
}

const distinct = (keys: readonly string[]) => [...new Set(keys)];

export const mergeFieldShape: ContractCheck = {
  name: 'contributes its Customer field and a merge field taking keys',
  async run({ connector }) {
    const query = connector.schema.getQueryType();
    const fields = Object.keys(query?.getFields() ?? {});
    if (fields.join() !== connector.mergeFieldName)
      return fail(`Query has ${listed(fields)}; expected only the merge field ${connector.mergeFieldName}`);
    const args = query!.getFields()[connector.mergeFieldName].args.map((arg) => `${arg.name}: ${String(arg.type)}`);
    if (args.join() !== 'keys: [String]!')
      return fail(`${connector.mergeFieldName} takes (${args.join(', ')}); expected (keys: [String]!)`);
    const customer = connector.schema.getType('Customer');
    if (!customer || !('getFields' in customer) || !(connector.name in customer.getFields()))
      return fail(`the schema has no Customer.${connector.name}`);
    return pass(`${connector.mergeFieldName}(keys: [String]!) and Customer.${connector.name}`);
  },
};

export const oneRequestForManyKeys: ContractCheck = {
  name: 'makes one upstream request for many keys',
  async run({ options, config, connector, create }) {
    const keys = distinct(options.keys.known);
    let requests: number;
    let how: string;
    const before = await statsCount(config.url, config.timeoutMs);
    if (before !== null) {
      const answers = await read(connector, keys);
      const after = await statsCount(config.url, config.timeoutMs);
      if (after === null) return fail("the system's /_stats stopped answering during the check");
      requests = after - before;
      how = "counted by the system's /_stats";
      const missing = keys.filter((_, index) => answers[index] === null);
      if (missing.length) return fail(`known keys answered null: ${listed(missing)}`);
    } else {
      const proxy = await startCountingProxy(config.url);
      try {
        const answers = await read(create({ url: proxy.url }), keys);
        requests = proxy.requests.length;
        how = 'counted by a loopback proxy in front of the system';
        const missing = keys.filter((_, index) => answers[index] === null);
        if (missing.length) return fail(`known keys answered null: ${listed(missing)}`);
      } finally {
        await proxy.close();
      }
    }
    const verdict = `${requests} request${requests === 1 ? '' : 's'} for ${keys.length} keys (${how})`;
    return requests === 1 ? pass(verdict) : fail(`${verdict}; expected 1`);
  },
};

export const keyOrder: ContractCheck = {
  name: 'answers in key order, with null for unknown and null keys',
  async run({ options, connector }) {
    const known = distinct(options.keys.known).slice(0, 3);
    if (known.length < 2) return fail(`needs at least 2 known keys, got ${known.length}`);
    // Each key alone first: the system's own answer for it, to hold the batch's positions against.
    const alone: Department[] = [];
    for (const key of known) alone.push((await read(connector, [key]))[0]);
    const missing = known.filter((_, index) => alone[index] === null);
    if (missing.length) return fail(`known keys answered null when asked alone: ${listed(missing)}`);
    if (options.keyField) {
      const wrong = known.filter((key, index) => alone[index]?.[options.keyField!] !== key);
      if (wrong.length)
        return fail(`${options.keyField} does not echo the key asked for: ${listed(wrong)} (is keyField right?)`);
    }
    const [last, ...rest] = [...known].reverse();
    const keys = [last, options.keys.unknown, null, ...rest.reverse()];
    const expected = [alone[known.length - 1], null, null, ...alone.slice(0, known.length - 1)];
    const answers = await read(connector, keys);
    if (answers.length !== keys.length) return fail(`${keys.length} keys answered ${answers.length} customers`);
    for (const [index, key] of keys.entries()) {
      if (JSON.stringify(answers[index]) === JSON.stringify(expected[index])) continue;
      if (key === options.keys.unknown) return fail(`the unknown key ${shown(key)} answered ${shown(answers[index])}`);
      if (key === null) return fail(`a null key answered ${shown(answers[index])}`);
      return fail(`position ${index} (${shown(key)}) answered a different customer than the key alone did`);
    }
    return pass(`${listed(keys, 5)} answered in order`);
  },
};

export const duplicateKeysOnce: ContractCheck = {
  name: 'asks the system once for a key given twice',
  async run({ options, config, create }) {
    const [first, second] = distinct(options.keys.known);
    if (second === undefined) return fail('needs at least 2 known keys');
    const keys = [first, first, second];
    const proxy = await startCountingProxy(config.url);
    try {
      const answers = await read(create({ url: proxy.url }), keys);
      if (answers.some((answer) => answer === null)) return fail(`${listed(keys)} answered ${listed(answers)}`);
      if (JSON.stringify(answers[0]) !== JSON.stringify(answers[1]))
        return fail(`the two answers for ${shown(first)} differ`);
      if (proxy.requests.length !== 1) return fail(`${proxy.requests.length} requests for ${listed(keys)}; expected 1`);
      const times = occurrencesOf(first, proxy.requests[0]);
      if (times > 1) return fail(`the request names ${shown(first)} ${times} times; expected once`);
      const how = times === 1 ? `, naming ${shown(first)} once` : ' (the key is not written as given in it)';
      return pass(`${listed(keys)} answered with 1 request${how}, seen by a loopback proxy`);
    } finally {
      await proxy.close();
    }
  },
};
