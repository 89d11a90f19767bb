import { Field, ObjectType, Query, Resolver } from 'type-graphql';
import { z } from 'zod';
import { connectorConfigSchema } from '../../config';
import { defineConnector, Freshness, type Connector, type ConnectorTransport } from '../../connectors/kit';
import { bareRuntime } from '../../gateway/runtime';
import { createHubSubschema } from '../../schema/hub';
import { buildGatewaySchema } from '../../gateway/stitch';
import { checkConnectorSchemas } from '../../gateway/connector-checks';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { accountingConnector, creditConnector } from '../../connectors';

const config = connectorConfigSchema.parse({ url: 'http://127.0.0.1:9' });

const nothing: ConnectorTransport<{ id: string }> = {
  fetch: () => Promise.resolve(new Map()),
  directory: async function* () {},
  health: () => Promise.resolve({ ok: true }),
};

@ObjectType({ description: 'A loyalty member.' })
class LoyaltyMember {
  @Field({ description: 'Member id.' })
  id!: string;

  @Field(() => Freshness, { description: 'How fresh.' })
  freshness!: Freshness;
}

// A second department that, by mistake, names its record type as accounting does.
@ObjectType('AccountingAccount', { description: 'Not accounting.' })
class ClashingAccount {
  @Field({ description: 'Id.' })
  id!: string;

  @Field(() => Freshness, { description: 'How fresh.' })
  freshness!: Freshness;
}

@Resolver()
class LeakyResolver {
  @Query(() => String, { description: 'Every member, unguarded.' })
  loyaltyDump(): string {
    return '';
  }
}

function loyalty(extra: { resolvers?: [typeof LeakyResolver]; type?: typeof LoyaltyMember | typeof ClashingAccount }) {
  return defineConnector({
    name: 'loyalty',
    description: 'Loyalty: points, keyed by member id.',
    key: { name: 'member id' },
    graph: {
      type: extra.type ?? LoyaltyMember,
      description: 'The customer in the loyalty programme.',
      from: (record: { id: string }) => ({ id: record.id }),
      resolvers: extra.resolvers,
    },
    transport: () => nothing,
    figures: [],
  }).create(config, bareRuntime());
}

function gatewayOver(connectors: Connector[]) {
  const hub = createHubSubschema({
    repository: {} as never,
    snapshots: {} as never,
    figureSources: connectors,
    mayUseFigure: () => true,
    defaultCountry: 'US',
    refresh: () => Promise.resolve(),
  });
  return buildGatewaySchema(hub, connectors);
}

describe('connectors checked at start-up', () => {
  const accounting = accountingConnector.create(config, bareRuntime());
  const credit = creditConnector.create(config, bareRuntime());

  it('stitches a declared department under Customer, with its merge field hidden', () => {
    const schema = gatewayOver([accounting, credit, loyalty({})]);
    expect(Object.keys(schema.getQueryType()!.getFields())).not.toContain('loyaltyCustomers');
    const customer = schema.getType('Customer') as GraphQLObjectType;
    expect(customer.getFields().loyalty.description).toBe('The customer in the loyalty programme.');
  });

  it('refuses a connector that declares a root field besides its merge field, naming both', () => {
    expect(() => gatewayOver([accounting, loyalty({ resolvers: [LeakyResolver] })])).toThrow(
      'The loyalty connector declares Query.loyaltyDump: a connector may declare only its merge field (loyaltyCustomers), which the gateway hides; any other root field would become public',
    );
  });

  it("refuses a connector whose type collides with another connector's, naming both", () => {
    expect(() => gatewayOver([accounting, loyalty({ type: ClashingAccount })])).toThrow(
      "The loyalty connector declares the type AccountingAccount, which the accounting connector already declares: rename one (every connector's types share one graph)",
    );
  });

  it('refuses two connectors of one name', () => {
    const hub = buildSchema(/* GraphQL */ `
      type Query {
        ping: Int
      }
    `);
    expect(() => checkConnectorSchemas(hub, [accounting, accounting])).toThrow('Two connectors are named accounting');
  });
});

describe('a declaration', () => {
  const withSettings = defineConnector({
    name: 'points',
    description: 'Points.',
    key: { name: 'member id' },
    graph: { type: LoyaltyMember, description: 'Points.', from: (record: { id: string }) => ({ id: record.id }) },
    settings: z.object({ region: z.enum(['eu', 'us']) }).strict(),
    credentials: ['token'],
    transport: ({ settings, credentials }) => {
      seen = { region: settings.region, token: credentials.token };
      return nothing;
    },
    figures: [],
  });
  let seen: { region: string; token: string } | null = null;

  it('gives its transport its own settings and its credentials from the environment', () => {
    withSettings.create(
      connectorConfigSchema.parse({
        url: 'http://127.0.0.1:9',
        settings: { region: 'eu' },
        credentials: { token: { env: 'POINTS_TOKEN' } },
      }),
      { ...bareRuntime(), env: { POINTS_TOKEN: 's3cret' } },
    );
    expect(seen).toEqual({ region: 'eu', token: 's3cret' });
  });

  it('stops start-up naming the setting, the credential or the variable that is wrong', () => {
    const create = (settings: unknown, credentials: unknown, env: NodeJS.ProcessEnv) => () =>
      withSettings.create(connectorConfigSchema.parse({ url: 'http://127.0.0.1:9', settings, credentials }), {
        ...bareRuntime(),
        env,
      });
    expect(create({ region: 'mars' }, { token: { env: 'T' } }, { T: 'x' })).toThrow(
      'Invalid config: connectors.points.settings.region: Invalid option: expected one of "eu"|"us"',
    );
    expect(create({ region: 'eu' }, {}, {})).toThrow(
      'Invalid config: connectors.points.credentials.token: the points connector needs this credential; say which environment variable holds it, e.g. { "env": "POINTS_TOKEN" }',
    );
    expect(create({ region: 'eu' }, { token: { env: 'T' } }, {})).toThrow(
      'The points connector\'s credential "token" is read from the environment variable T (connectors.points.credentials.token.env), which is not set',
    );
    expect(create({ region: 'eu' }, { token: { env: 'T' }, password: { env: 'P' } }, { T: 'x' })).toThrow(
      'Invalid config: connectors.points.credentials.password: the points connector declares no such credential (it declares: token)',
    );
  });

  it('refuses a name that cannot be a GraphQL field', () => {
    expect(() =>
      defineConnector({
        name: 'Sales-EU',
        description: 'x',
        key: { name: 'id' },
        graph: { type: LoyaltyMember, description: 'x', from: (record: { id: string }) => ({ id: record.id }) },
        transport: () => nothing,
        figures: [],
      }),
    ).toThrow('defineConnector expected name to be lower-case letters and digits, but got "Sales-EU".');
  });
});
