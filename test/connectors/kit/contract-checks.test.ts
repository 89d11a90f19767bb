import { Field, ID, ObjectType } from 'type-graphql';
import { z } from 'zod';
import {
  createSiloClient,
  defineConnector,
  Freshness,
  type ConnectorFactory,
  type ConnectorTransport,
  type FigureDeclaration,
} from '../../../connectors/kit';
import { runContractChecks, CONTRACT_CHECK_NAMES, type ContractCheckResult } from '../../../connectors/kit/testing';
import type { ConnectorConfig } from '../../../config';
import { startRestSystem, type RestSystemQuirks, type RunningRestSystem } from '../../helpers/rest-system';

@ObjectType({ description: 'A member of the fake system.' })
class Member {
  @Field(() => ID, { description: 'The member id.' })
  id!: string;

  @Field({ description: 'The name on file.' })
  name!: string;

  @Field(() => Date, { description: 'When the system last changed the member.' })
  updatedAt!: Date;

  @Field(() => Freshness, { description: 'How fresh the member is.' })
  freshness!: Freshness;
}

@ObjectType({ description: 'A member, with a field nobody described.' })
class SloppyMember {
  @Field(() => ID, { description: 'The member id.' })
  id!: string;

  @Field()
  name!: string;

  @Field(() => Freshness, { description: 'How fresh the member is.' })
  freshness!: Freshness;
}

const recordSchema = z.object({ id: z.string(), name: z.string(), updatedAt: z.string() });
type MemberRecord = z.infer<typeof recordSchema>;
const batchAnswer = z.object({ results: z.array(recordSchema) });
const pageAnswer = z.object({ results: z.array(recordSchema), nextCursor: z.string().nullable() });

/** How a test transport gets a connector's batch wrong (or right). */
type Batching =
  'by id' | 'one request per key' | 'by position' | 'every key twice' | 'errors swallowed' | 'without a deadline';

function transport(config: ConnectorConfig, batching: Batching): ConnectorTransport<MemberRecord> {
  const client = createSiloClient('members', config);
  const batch = (ids: readonly string[]) => client.post('/members/batch', { ids }, batchAnswer, { read: true });
  return {
    async fetch(keys) {
      if (batching === 'one request per key') {
        const answers = await Promise.all(keys.map((key) => batch([key])));
        return new Map(answers.flatMap((answer) => answer.results).map((record) => [record.id, record]));
      }
      if (batching === 'by position') {
        const answer = await batch(keys);
        return new Map(answer.results.map((record, index) => [keys[index], record]));
      }
      if (batching === 'without a deadline') {
        // Past the silo client, so nothing bounds the wait.
        const response = await fetch(`${config.url}/members/batch`, {
          method: 'POST',
          body: JSON.stringify({ ids: keys }),
        });
        const answer = batchAnswer.parse(await response.json());
        return new Map(answer.results.map((record) => [record.id, record]));
      }
      if (batching === 'errors swallowed') {
        try {
          return new Map((await batch(keys)).results.map((record) => [record.id, record]));
        } catch {
          return new Map();
        }
      }
      const answer = await batch(batching === 'every key twice' ? [...keys, ...keys] : keys);
      return new Map(answer.results.map((record) => [record.id, record]));
    },
    async *directory(pageSize) {
      let cursor: string | null = null;
      do {
        const params: Record<string, string | number> = { limit: pageSize, ...(cursor ? { cursor } : {}) };
        const page = await client.get('/members', pageAnswer, params);
        yield page.results.map((record) => ({
          key: record.id,
          name: record.name,
          emails: [],
          phones: [],
          taxNumbers: [],
        }));
        cursor = page.results.length ? page.nextCursor : null;
      } while (cursor);
    },
    health: () => client.health(),
  };
}

const FIGURES: ReadonlyArray<FigureDeclaration<Member>> = [
  { name: 'updatedAt', type: 'DateTime', description: 'When the member last changed.', of: (m) => m.updatedAt },
];

function membersConnector(batching: Batching = 'by id', type: typeof Member | typeof SloppyMember = Member) {
  return defineConnector({
    name: 'members',
    description: 'Members: the fake system the contract checks are tried on.',
    key: { name: 'member id' },
    graph: {
      type: type as typeof Member,
      description: 'The customer in the fake system.',
      from: (record: MemberRecord) => ({ id: record.id, name: record.name, updatedAt: new Date(record.updatedAt) }),
    },
    transport: ({ config }) => transport(config, batching),
    figures: FIGURES,
  });
}

describe('the contract checks', () => {
  let system: RunningRestSystem;
  const started: RunningRestSystem[] = [];
  const withQuirks = async (quirks: RestSystemQuirks) => {
    const quirky = await startRestSystem({ records: 'members', quirks });
    started.push(quirky);
    return quirky;
  };
  beforeAll(async () => {
    system = await startRestSystem({ records: 'members' });
  });
  afterAll(async () => {
    await Promise.all([system, ...started].map((running) => running.close()));
  });

  const check = async (
    name: string,
    factory: ConnectorFactory = membersConnector(),
    extra: Partial<Parameters<typeof runContractChecks>[0]> = {},
    on: RunningRestSystem = system,
  ): Promise<ContractCheckResult> => {
    const [result] = await runContractChecks({
      factory,
      config: { url: on.url },
      keys: { known: on.records.slice(0, 10).map((record) => record.id), unknown: 'm-9999' },
      timeoutMs: 200,
      only: [name],
      ...extra,
    });
    return result;
  };

  it('passes every check for a connector that keeps the contract, counting requests through a loopback proxy', async () => {
    const results = await runContractChecks({
      factory: membersConnector(),
      config: { url: system.url },
      keys: { known: system.records.slice(0, 10).map((record) => record.id), unknown: 'm-9999' },
      keyField: 'id',
      directory: { pageSize: 7, expectedKeys: system.records.map((record) => record.id) },
      timeoutMs: 200,
    });
    expect(results.map((result) => result.name)).toEqual(CONTRACT_CHECK_NAMES);
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.find((result) => result.name === 'makes one upstream request for many keys')?.detail).toBe(
      '1 request for 10 keys (counted by a loopback proxy in front of the system)',
    );
    expect(results.find((result) => result.name.startsWith('walks'))?.detail).toBe(
      '5 pages of up to 7, 30 keys, each once: every expected key',
    );
  });

  it('fails a connector that makes one request per key', async () => {
    await expect(
      check('makes one upstream request for many keys', membersConnector('one request per key')),
    ).resolves.toMatchObject({
      ok: false,
      detail: '10 requests for 10 keys (counted by a loopback proxy in front of the system); expected 1',
    });
  });

  it('fails a connector that pairs answers with keys by position when the system ignores key order', async () => {
    const quirky = await withQuirks({ ignoreKeyOrder: true });
    const result = await check(
      'answers in key order, with null for unknown and null keys',
      membersConnector('by position'),
      {},
      quirky,
    );
    expect(result).toMatchObject({
      ok: false,
      detail: expect.stringMatching(/^position 0 \("m-0003"\) answered a different customer/),
    });
  });

  it('passes a connector that pairs answers by id, even when the system ignores key order and answers duplicates twice', async () => {
    const quirky = await withQuirks({ ignoreKeyOrder: true, answerDuplicatesTwice: true });
    const results = await runContractChecks({
      factory: membersConnector(),
      config: { url: quirky.url },
      keys: { known: ['m-0005', 'm-0002', 'm-0009'], unknown: 'm-9999' },
      only: ['answers in key order, with null for unknown and null keys', 'asks the system once for a key given twice'],
    });
    expect(results.map((result) => result.ok)).toEqual([true, true]);
  });

  it('fails a connector that sends a key twice in one request', async () => {
    await expect(
      check('asks the system once for a key given twice', membersConnector('every key twice')),
    ).resolves.toEqual({
      name: 'asks the system once for a key given twice',
      ok: false,
      detail: 'the request names "m-0001" 2 times; expected once',
    });
  });

  it('fails a connector that turns a failing system into customers it does not know', async () => {
    const result = await check(
      'answers UPSTREAM_UNAVAILABLE when the system fails',
      membersConnector('errors swallowed'),
    );
    expect(result).toMatchObject({
      ok: false,
      detail: expect.stringMatching(
        /^against a stub answering 503: errors were \[\]; expected \[\{"code":"UPSTREAM_UNAVAILABLE"/,
      ),
    });
  });

  it('fails a connector that waits past its timeout for a system that never answers', async () => {
    await expect(
      check(
        'answers UPSTREAM_TIMEOUT within its timeout when the system does not answer',
        membersConnector('without a deadline'),
      ),
    ).resolves.toMatchObject({
      ok: false,
      // The check's own deadline: timeoutMs 200 for each of the 2 attempts, plus a second of slack.
      detail: expect.stringMatching(
        /^against a stub that never answers, after 1\d{3} ms with timeoutMs 200: no answer within 1400 ms$/,
      ),
    });
  });

  it('fails a connector whose schema leaves a field undescribed', async () => {
    await expect(
      check('describes every type, field, argument and enum value', membersConnector('by id', SloppyMember)),
    ).resolves.toMatchObject({ ok: false, detail: 'no description on "SloppyMember.name"' });
  });

  it('fails a connector whose hand-written snapshot figures disagree with its graph', async () => {
    const honest = membersConnector();
    // A code connector that computes its snapshot itself, and gets the date a day wrong.
    const handWritten: ConnectorFactory = {
      name: honest.name,
      create(config, runtime) {
        const connector = honest.create(config, runtime);
        return {
          ...connector,
          async summarize(keys) {
            const figures = await connector.summarize(keys);
            return new Map(
              [...figures].map(([key, values]) => [
                key,
                { updatedAt: new Date((values.updatedAt as Date).getTime() + 86_400_000) },
              ]),
            );
          },
        };
      },
    };
    const name = 'computes snapshot figures that agree with the graph';
    await expect(check(name, handWritten)).resolves.toMatchObject({ ok: true, skipped: true });
    await expect(check(name, handWritten, { figures: FIGURES })).resolves.toMatchObject({
      ok: false,
      detail: '"m-0001": updatedAt is 2024-01-02T12:00:00.000Z in the snapshot, 2024-01-01T12:00:00.000Z on the graph',
    });
  });

  it('fails a directory whose pages overlap, naming the key listed twice', async () => {
    const quirky = await withQuirks({ overlappingPages: true });
    await expect(
      check(
        'walks the directory to its end, listing each key once',
        membersConnector(),
        { directory: { pageSize: 10 } },
        quirky,
      ),
    ).resolves.toMatchObject({ ok: false, detail: '"m-0010" is listed twice (again on page 2)' });
  });

  it('stops a directory walk after the page bound and says so', async () => {
    await expect(
      check('walks the directory to its end, listing each key once', membersConnector(), {
        directory: { pageSize: 5, maxPages: 2 },
      }),
    ).resolves.toMatchObject({
      ok: true,
      detail:
        '2 pages of up to 5, 10 keys, each once; stopped after 2 pages, before the end (a larger page bound walks further)',
    });
  });

  it('refuses a check name it does not know', async () => {
    await expect(check('is fast')).rejects.toThrow(/^runContractChecks expected only to name contract checks/);
  });
});
