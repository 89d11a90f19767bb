import { type ClassType, Field, Float, InputType, Int, registerEnumType } from 'type-graphql';
import type { FigureType } from '../../connectors/kit';
import { typeNamePrefix, type CatalogFigure } from '../snapshot/figures';

/** The most values one `in` condition may list. */
export const MAX_IN_VALUES = 100;

@InputType({
  description:
    'Conditions on a decimal figure; every one given must hold. A customer without the figure never matches.',
})
export class FloatFilter {
  @Field(() => Float, { nullable: true, description: 'Greater than this.' })
  gt?: number | null;

  @Field(() => Float, { nullable: true, description: 'Greater than or equal to this.' })
  gte?: number | null;

  @Field(() => Float, { nullable: true, description: 'Less than this.' })
  lt?: number | null;

  @Field(() => Float, { nullable: true, description: 'Less than or equal to this.' })
  lte?: number | null;

  @Field(() => Float, { nullable: true, description: 'Exactly this.' })
  eq?: number | null;
}

@InputType({
  description:
    'Conditions on a whole-number figure; every one given must hold. A customer without the figure never matches.',
})
export class IntFilter {
  @Field(() => Int, { nullable: true, description: 'Greater than this.' })
  gt?: number | null;

  @Field(() => Int, { nullable: true, description: 'Greater than or equal to this.' })
  gte?: number | null;

  @Field(() => Int, { nullable: true, description: 'Less than this.' })
  lt?: number | null;

  @Field(() => Int, { nullable: true, description: 'Less than or equal to this.' })
  lte?: number | null;

  @Field(() => Int, { nullable: true, description: 'Exactly this.' })
  eq?: number | null;
}

@InputType({
  description:
    'Conditions on a date-time figure; every one given must hold. A customer without the figure never matches.',
})
export class DateTimeFilter {
  @Field(() => Date, { nullable: true, description: 'Later than this.' })
  gt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'At or later than this.' })
  gte?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Earlier than this.' })
  lt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'At or earlier than this.' })
  lte?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exactly this instant.' })
  eq?: Date | null;
}

@InputType({
  description: 'Conditions on a text figure; every one given must hold. A customer without the figure never matches.',
})
export class StringFilter {
  @Field(() => String, { nullable: true, description: 'Exactly this text (case-sensitive).' })
  eq?: string | null;

  @Field(() => [String], { nullable: true, description: `One of these texts (at most ${MAX_IN_VALUES}).` })
  in?: string[] | null;
}

/** The direction of an order. */
export enum SortDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(SortDirection, {
  name: 'SortDirection',
  description: 'Which way to order a list.',
  valuesConfig: {
    ASC: { description: 'Smallest (or earliest, or alphabetically first) first.' },
    DESC: { description: 'Largest (or latest, or alphabetically last) first.' },
  },
});

const SCALAR_FILTERS: Record<FigureType, ClassType> = {
  Float: FloatFilter,
  Int: IntFilter,
  DateTime: DateTimeFilter,
  String: StringFilter,
};

/** One figure's conditions as the resolver receives them. */
export interface ScalarFilterInput {
  gt?: number | Date | null;
  gte?: number | Date | null;
  lt?: number | Date | null;
  lte?: number | Date | null;
  eq?: number | string | Date | null;
  in?: string[] | null;
}

/** `filter` as the resolver receives it: by connector, then figure. */
export type CustomerFilterInput = Record<
  string,
  Record<string, ScalarFilterInput | null | undefined> | null | undefined
>;

/** `orderBy` as the resolver receives it: `field` is a `CustomerFigure` value (its enum name). */
export interface CustomerOrderInput {
  field: string;
  direction: SortDirection;
}

/** The generated input types, to use in `@Arg`. */
export interface CustomerFilterTypes {
  CustomerFilter: ClassType;
  CustomerOrder: ClassType;
}

/**
 * Builds `CustomerFilter`, one `<Connector>FigureFilter` per connector, the `CustomerFigure` enum
 * and `CustomerOrder` from the figure catalog, so the hub never names a department. Decorators
 * are applied to fresh classes and a fresh enum object on every call: type-graphql keys its
 * metadata by class and object, and a schema only holds the types its resolvers reach, so
 * building several hubs in one process gives each its own types without clashes.
 * Null when no connector declares a figure (an input type needs at least one field).
 */
export function buildCustomerFilterTypes(catalog: readonly CatalogFigure[]): CustomerFilterTypes | null {
  if (catalog.length === 0) return null;
  const connectors = [...new Set(catalog.map((figure) => figure.connector))];

  class CustomerFilter {}
  for (const connector of connectors) {
    class ConnectorFigureFilter {}
    for (const figure of catalog.filter((f) => f.connector === connector)) {
      Field(() => SCALAR_FILTERS[figure.type], { nullable: true, description: figure.description })(
        ConnectorFigureFilter.prototype,
        figure.name,
      );
    }
    InputType(`${typeNamePrefix(connector)}FigureFilter`, {
      description: `Conditions on the ${connector} figures of the customer-360 snapshot; every one given must hold.`,
    })(ConnectorFigureFilter);
    Field(() => ConnectorFigureFilter, { nullable: true, description: `Conditions on the ${connector} figures.` })(
      CustomerFilter.prototype,
      connector,
    );
  }
  InputType('CustomerFilter', {
    description:
      "Conditions on the departments' figures in the customer-360 snapshot, by department; every one given must hold.",
  })(CustomerFilter);

  // Enum values are their own names, so what the stitched gateway sends is what arrives here.
  const CustomerFigure: Record<string, string> = Object.fromEntries(
    catalog.map((figure) => [figure.enumName, figure.enumName]),
  );
  registerEnumType(CustomerFigure, {
    name: 'CustomerFigure',
    description: 'A department figure of the customer-360 snapshot, to order customers by.',
    valuesConfig: Object.fromEntries(
      catalog.map((figure) => [
        figure.enumName,
        { description: `${typeNamePrefix(figure.connector)}: ${figure.description}` },
      ]),
    ),
  });

  class CustomerOrder {}
  Field(() => CustomerFigure, { description: 'The figure to order by.' })(CustomerOrder.prototype, 'field');
  Field(() => SortDirection, {
    defaultValue: SortDirection.DESC,
    description: 'Which way; customers without the figure come last either way.',
  })(CustomerOrder.prototype, 'direction');
  InputType('CustomerOrder', {
    description: 'An order of customers by one snapshot figure; ties are in hub-id order, the same direction.',
  })(CustomerOrder);

  return { CustomerFilter, CustomerOrder };
}
