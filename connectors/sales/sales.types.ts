import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Freshness } from '../kit';
import { LocalDateResolver } from 'graphql-scalars';

/** How far a sales opportunity has come. */
export enum OpportunityStage {
  PROSPECTING = 'PROSPECTING',
  PROPOSAL = 'PROPOSAL',
  NEGOTIATION = 'NEGOTIATION',
  WON = 'WON',
  LOST = 'LOST',
}
registerEnumType(OpportunityStage, {
  name: 'OpportunityStage',
  description: 'How far a sales opportunity has come.',
  valuesConfig: {
    PROSPECTING: { description: 'Identified; no proposal made yet.' },
    PROPOSAL: { description: 'A proposal has been sent to the customer.' },
    NEGOTIATION: { description: 'Terms are being negotiated.' },
    WON: { description: 'Closed: the customer bought.' },
    LOST: { description: 'Closed: the customer did not buy.' },
  },
});

@ObjectType({ description: 'One line of a sales order.' })
export class OrderItem {
  @Field(() => ID, { description: 'Stock-keeping unit of the product.' })
  sku!: string;

  @Field({ description: 'The product, as the catalogue names it.' })
  product!: string;

  @Field(() => Int, { description: 'How many units were ordered.' })
  quantity!: number;

  @Field(() => Float, { description: 'Price of one unit, in USD.' })
  unitPrice!: number;

  @Field(() => Float, { description: 'Quantity times unit price, in USD, rounded to the cent.' })
  amount!: number;
}

@ObjectType({ description: 'An order the customer placed with sales.' })
export class Order {
  @Field(() => ID, { description: "The sales system's order number." })
  id!: string;

  @Field(() => Date, { description: 'When the order was placed.' })
  date!: Date;

  @Field(() => Float, { description: 'Order total, in USD.' })
  total!: number;

  @Field(() => [OrderItem], { description: 'What was ordered, line by line.' })
  items!: OrderItem[];
}

@ObjectType({ description: 'A possible sale to the customer that sales is pursuing or has closed.' })
export class Opportunity {
  @Field(() => ID, { description: "The sales system's opportunity id." })
  id!: string;

  @Field({ description: 'What the opportunity is about.' })
  title!: string;

  @Field(() => OpportunityStage, { description: 'How far the opportunity has come.' })
  stage!: OpportunityStage;

  @Field(() => Float, { description: 'Expected value of the deal, in USD.' })
  amount!: number;

  @Field(() => LocalDateResolver, { description: 'The day sales expects the deal to close (or the day it closed).' })
  expectedCloseDate!: string;
}

@ObjectType({ description: "The customer's record in the sales CRM: value, orders and opportunities." })
export class SalesProfile {
  @Field(() => ID, { description: 'The contact id in the sales CRM.' })
  contactId!: string;

  @Field({ description: 'ISO 4217 code of the currency every sales amount is in (always "USD").' })
  currency!: string;

  @Field(() => Float, { description: 'Everything the customer has bought so far, in USD.' })
  lifetimeValue!: number;

  @Field(() => Int, { description: 'How many opportunities are still open (neither won nor lost).' })
  openOpportunities!: number;

  @Field(() => Date, { nullable: true, description: 'When the most recent order was placed; null when there is none.' })
  lastOrderAt!: Date | null;

  @Field(() => Freshness, { description: 'When this contact was fetched from the sales CRM, and whether it is stale.' })
  freshness!: Freshness;

  // Resolved by SalesProfileResolver (argument `last`).
  allOrders!: Order[];

  // Resolved by SalesProfileResolver (arguments `stage`, `open` and `last`).
  allOpportunities!: Opportunity[];
}
