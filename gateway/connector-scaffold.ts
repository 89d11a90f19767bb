/**
 * The files `switchboard connector new <name>` writes: a working code connector for a system
 * with an assumed REST shape, which the integrator then edits where the TODO markers say.
 *
 *   POST /records/batch { "ids": [...] }  -> { "results": [record...] }   (unknown ids left out)
 *   GET  /records?limit=N[&cursor=C]      -> { "results": [record...], "nextCursor": "..." | null }
 *   GET  /health                          -> { "status": "ok" }
 *
 * where a record is `{ id, name, email, phone, updatedAt }`. The templates are written as
 * prettier formats them, so a fresh connector passes this repository's lint unchanged.
 */

/** One file of a scaffolded connector: its name in the connector's folder and its text. */
export interface ScaffoldFile {
  readonly name: string;
  readonly text: string;
}

/** `loyalty` → `Loyalty`; `crm2` → `Crm2`. */
function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** An import as prettier prints it: on one line when it fits in 120 characters, else one name a line. */
function importLine(names: readonly string[], from: string): string {
  const line = `import { ${names.join(', ')} } from '${from}';`;
  return line.length <= 120 ? line : `import {\n${names.map((name) => `  ${name},\n`).join('')}} from '${from}';`;
}

/**
 * The files of a new connector named `name`, importing the kit from `kitImport` (a module
 * specifier, e.g. `../kit`, as seen from the connector's folder).
 */
export function scaffoldFiles(name: string, kitImport: string): ScaffoldFile[] {
  const Name = pascal(name);
  return [
    {
      name: 'index.ts',
      text: `// Public API of the ${name} connector: its factory.
import { defineConnector } from '${kitImport}';
import { ${name.toUpperCase()}_FIGURES } from './${name}.figures';
import { to${Name}Profile } from './${name}.mapper';
import { create${Name}Transport } from './${name}.transport';
import { ${Name}Profile } from './${name}.types';

/** The ${name} department, keyed by the system's customer id. */
export const ${name}Connector = defineConnector({
  name: '${name}',
  // TODO(integrator): one sentence for operators: what the system holds, and what it is keyed by.
  description: '${Name}: customer records, keyed by the ${name} id.',
  // TODO(integrator): what the system calls its key; add \`normalize\` if it compares keys in another form (e-mails: lower case).
  key: { name: '${name} id' },
  graph: {
    type: ${Name}Profile,
    description: 'The customer in the ${name} system; null when it has no record for them.',
    from: to${Name}Profile,
    example: /* GraphQL */ \`
      {
        name
        updatedAt
      }
    \`,
  },
  transport: (context) => create${Name}Transport(context),
  figures: ${name.toUpperCase()}_FIGURES,
});
`,
    },
    {
      name: `${name}.types.ts`,
      text: `import { Field, ID, ObjectType } from 'type-graphql';
import { Freshness } from '${kitImport}';

// TODO(integrator): the fields the graph shows, each with a description (the contract checks ask for them).
@ObjectType({ description: 'The customer as the ${name} system holds them.' })
export class ${Name}Profile {
  @Field(() => ID, { description: 'The id the ${name} system files the customer under.' })
  id!: string;

  @Field({ description: 'The name on file.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The e-mail address on file, if any.' })
  email!: string | null;

  @Field(() => String, { nullable: true, description: 'The phone number on file, if any.' })
  phone!: string | null;

  @Field(() => Date, { description: 'When the ${name} system last changed the record.' })
  updatedAt!: Date;

  @Field(() => Freshness, {
    description: 'When this record was fetched from the ${name} system, and whether it is stale.',
  })
  freshness!: Freshness;
}
`,
    },
    {
      name: `${name}.mapper.ts`,
      text: `import type { GraphValue } from '${kitImport}';
import type { ${Name}Record } from './${name}.transport';
import type { ${Name}Profile } from './${name}.types';

/** Maps the ${name} system's record to the graph's \`${Name}Profile\`. */
export function to${Name}Profile(record: ${Name}Record): GraphValue<${Name}Profile> {
  // TODO(integrator): units, enums and derived values are converted here, nowhere else.
  return {
    id: record.id,
    name: record.name,
    email: record.email,
    phone: record.phone,
    updatedAt: new Date(record.updatedAt),
  };
}
`,
    },
    {
      name: `${name}.transport.ts`,
      text: `import { z } from 'zod';
${importLine(['createSiloClient', 'type ConnectorTransport', 'type DirectoryEntry', 'type TransportContext'], kitImport)}

// TODO(integrator): the system's API. This is the shape \`switchboard connector new\` assumed:
//   POST /records/batch { "ids": [...] }  -> { "results": [record...] }   (unknown ids left out)
//   GET  /records?limit=N[&cursor=C]      -> { "results": [record...], "nextCursor": "..." | null }
//   GET  /health                          -> { "status": "ok" }
const RECORDS = '/records';

// The system's payloads, checked on arrival: a changed API is UPSTREAM_UNAVAILABLE naming the field.
const recordSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  updatedAt: z.iso.datetime({ offset: true }),
});

const batchAnswer = z.object({ results: z.array(recordSchema) });
const pageAnswer = z.object({ results: z.array(recordSchema), nextCursor: z.string().nullable() });

/** A customer record as the ${name} system sends it. */
export type ${Name}Record = z.infer<typeof recordSchema>;

/** What the identity sync links on: every identifier the system holds for the customer. */
function directoryEntryOf(record: ${Name}Record): DirectoryEntry {
  // TODO(integrator): add tax numbers (or other identifiers) if the system has them.
  return {
    key: record.id,
    name: record.name,
    emails: record.email ? [record.email] : [],
    phones: record.phone ? [record.phone] : [],
    taxNumbers: [],
  };
}

/** What the transport is given: the connector's configuration (and, once declared, its settings and credentials). */
type Context = TransportContext<Record<string, never>>;

/** Creates the ${name} transport: the only code that talks to the system. */
export function create${Name}Transport({ config }: Context): ConnectorTransport<${Name}Record> {
  // TODO(integrator): credentials the system needs go in the declaration's \`credentials\` and here, e.g.
  // createSiloClient('${name}', config, { headers: { authorization: \`Bearer \${credentials.token}\` } }).
  const client = createSiloClient('${name}', config);
  return {
    async fetch(ids) {
      const answer = await client.post(\`\${RECORDS}/batch\`, { ids }, batchAnswer, { read: true });
      // By id, never by position: a system may answer in its own order.
      return new Map(answer.results.map((record) => [record.id, record]));
    },
    async *directory(pageSize) {
      let cursor: string | null = null;
      // A cursor seen twice would walk for ever, holding the identity sync: stop, saying so.
      const given = new Set<string>();
      do {
        const params: Record<string, string | number> =
          cursor === null ? { limit: pageSize } : { limit: pageSize, cursor };
        const page = await client.get(RECORDS, pageAnswer, params);
        yield page.results.map(directoryEntryOf);
        // An empty page ends the walk even if the system offers another cursor.
        cursor = page.results.length > 0 ? page.nextCursor : null;
        if (cursor !== null && given.has(cursor))
          throw new Error(\`The ${name} system's directory gave the cursor \${cursor} twice\`);
        if (cursor !== null) given.add(cursor);
      } while (cursor !== null);
    },
    health: () => client.health(),
  };
}
`,
    },
    {
      name: `${name}.figures.ts`,
      text: `import type { FigureDeclaration } from '${kitImport}';
import type { ${Name}Profile } from './${name}.types';

/** What ${name} contributes to the customer-360 snapshot, read from the graph's \`${Name}Profile\`. */
export const ${name.toUpperCase()}_FIGURES: ReadonlyArray<FigureDeclaration<${Name}Profile>> = [
  // TODO(integrator): the figures operators filter and sort customers by (balances, counts, dates).
  {
    name: '${name}UpdatedAt',
    type: 'DateTime',
    description: 'When the ${name} system last changed the customer.',
    of: (profile) => profile.updatedAt,
  },
];
`,
    },
    contractTest(name, kitImport, {
      imports: [`import { ${name}Connector } from '.';`],
      factory: `${name}Connector`,
      keyField: 'id',
    }),
  ];
}

/**
 * A connector's contract test: the kit's checks against a running system at `<NAME>_URL`, with
 * sample keys from its own directory; skipped without the variable.
 */
function contractTest(
  name: string,
  kitImport: string,
  subject: { imports: readonly string[]; factory: string; keyField?: string; note?: string },
): ScaffoldFile {
  const ENV = `${name.toUpperCase()}_URL`;
  const keyField = subject.keyField ? `\n      keyField: '${subject.keyField}',` : '';
  return {
    name: `${name}.contract.test.ts`,
    text: `import 'reflect-metadata';
${importLine(['CONTRACT_CHECK_NAMES', 'runContractChecks', 'sampleKeys', 'type ContractCheckResult'], `${kitImport}/testing`)}
${subject.imports.join('\n')}

// The connector contract, against a running ${name} system: ${ENV}=http://... npx jest ${name}.contract
// Without ${ENV} the checks are skipped.${subject.note ? `\n// ${subject.note}` : ''}
const url = process.env.${ENV} ?? '';

// TODO(integrator): a well-formed key the system does not know.
const UNKNOWN_KEY = 'no-such-${name}-customer';

(url ? describe : describe.skip)('the ${name} connector contract', () => {
  let results: ContractCheckResult[] = [];
  beforeAll(async () => {
    const factory = ${subject.factory};
    // Sample keys from the system's own directory (its first page).
    const known = await sampleKeys(factory, { url }, 10);
    results = await runContractChecks({
      factory,
      config: { url },
      keys: { known, unknown: UNKNOWN_KEY },${keyField}
    });
  });

  it.each(CONTRACT_CHECK_NAMES)('%s', (check) => {
    expect(results.find((result) => result.name === check)).toEqual({
      name: check,
      ok: true,
      detail: expect.any(String),
    });
  });
});
`,
  };
}

/**
 * The contract test of a declarative connector: its declaration file loaded as the hub loads it,
 * run through the same checks as a code connector.
 */
export function declarationContractTest(name: string, kitImport: string): ScaffoldFile {
  const declarative = kitImport.replace(/\/kit$/, '/declarative');
  return contractTest(name, kitImport, {
    imports: [`import path from 'node:path';`, `import { loadConnectorDeclaration } from '${declarative}';`],
    factory: `loadConnectorDeclaration(path.join(__dirname, '${name}.yaml'))`,
    note: 'The declaration must be reviewed first: a "TODO: describe" left in it is refused, as the hub refuses it at start.',
  });
}
