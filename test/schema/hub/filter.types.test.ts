import { isEnumType, isInputObjectType, printSchema, type GraphQLSchema } from 'graphql';
import { MongoClient } from 'mongodb';
import type { FigureDefinition } from '../../../connectors/kit';
import { createHubSubschema } from '../../../schema/hub';
import type { FigureSource } from '../../../schema/snapshot';
import { IdentityRepository, SnapshotRepository } from '../../../store';

// The driver connects lazily: nothing here talks to a server.
const db = new MongoClient('mongodb://127.0.0.1:1').db('unused');

function hubSchema(figureSources: FigureSource[]): GraphQLSchema {
  return createHubSubschema({
    repository: new IdentityRepository(db),
    snapshots: new SnapshotRepository(db),
    figureSources,
    defaultCountry: 'US',
    refresh: async () => undefined,
  }).schema;
}

const figure = (name: string, type: FigureDefinition['type']): FigureDefinition => ({
  name,
  type,
  description: `The ${name}.`,
});

function inputFields(schema: GraphQLSchema, name: string): string[] {
  const type = schema.getType(name);
  return isInputObjectType(type) ? Object.keys(type.getFields()) : [];
}

describe('the filter and order input types generated from figures', () => {
  it('gives every hub built in one process its own types, however many were built before', () => {
    const first = hubSchema([{ name: 'accounting', figures: [figure('balance', 'Float')] }]);
    const second = hubSchema([
      { name: 'support', figures: [figure('openTickets', 'Int')] },
      { name: 'accounting', figures: [figure('overdueAmount', 'Float')] },
    ]);
    const again = hubSchema([{ name: 'accounting', figures: [figure('balance', 'Float')] }]);

    expect(inputFields(first, 'CustomerFilter')).toEqual(['accounting']);
    expect(inputFields(first, 'AccountingFigureFilter')).toEqual(['balance']);
    expect(inputFields(second, 'CustomerFilter')).toEqual(['support', 'accounting']);
    expect(inputFields(second, 'AccountingFigureFilter')).toEqual(['overdueAmount']);
    expect(inputFields(second, 'SupportFigureFilter')).toEqual(['openTickets']);
    const figures = second.getType('CustomerFigure');
    expect(isEnumType(figures) && figures.getValues().map((v) => v.name)).toEqual([
      'SUPPORT_OPEN_TICKETS',
      'ACCOUNTING_OVERDUE_AMOUNT',
    ]);
    expect(printSchema(again)).toBe(printSchema(first));
  });

  it('leaves customers with first and after only when no connector declares a figure', () => {
    const schema = hubSchema([{ name: 'sales', figures: [] }]);
    expect(
      schema
        .getQueryType()!
        .getFields()
        .customers.args.map((arg) => arg.name)
        .sort(),
    ).toEqual(['after', 'first']);
    expect(schema.getType('CustomerFilter')).toBeUndefined();
  });
});
