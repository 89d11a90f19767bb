import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({
  description: "Where a customer lives in one department system: that system's name and its key for them.",
})
export class SystemLink {
  @Field({ description: 'The department system (connector) name, e.g. "accounting".' })
  system!: string;

  @Field({ description: "The customer's key in that system (account number, contact id, tax number, e-mail...)." })
  key!: string;
}

@ObjectType({
  description:
    'A customer of the company, as one record across every department. Identity fields come from the hub; ' +
    'each department adds its own field (accounting, sales, credit, support...).',
})
export class Customer {
  @Field(() => ID, { description: "The hub's stable id for this customer (`cus_...`)." })
  id!: string;

  @Field({ description: 'The name most department records agree on, as "First Last".' })
  name!: string;

  @Field(() => [String], { description: 'Every e-mail address any department holds, normalised to lower case.' })
  emails!: string[];

  @Field(() => [String], { description: 'Every phone number any department holds, in E.164 form (+14155550132).' })
  phones!: string[];

  @Field(() => [SystemLink], { description: "The customer's key in each department system that knows them." })
  links!: SystemLink[];
}

@ObjectType({ description: 'One customer in a page of customers.' })
export class CustomerEdge {
  @Field({ description: 'Pass as `after` to get the customers after this one.' })
  cursor!: string;

  @Field(() => Customer, { description: 'The customer.' })
  node!: Customer;
}

@ObjectType({ description: 'Where a page of results sits in the whole list.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: "The last item's cursor; null on an empty page." })
  endCursor!: string | null;
}

@ObjectType({
  description:
    'A page of customers (a Relay cursor connection): every customer in hub-id order, or, with `filter` or `orderBy`, ' +
    'the customers the customer-360 snapshot selects, in the order asked for.',
})
export class CustomerConnection {
  @Field(() => [CustomerEdge], { description: 'The customers on this page, each with its cursor.' })
  edges!: CustomerEdge[];

  @Field(() => [Customer], { description: 'The customers on this page, without cursors.' })
  nodes!: Customer[];

  @Field(() => PageInfo, { description: 'Whether more pages follow, and the cursor to ask for the next.' })
  pageInfo!: PageInfo;

  @Field(() => Date, {
    nullable: true,
    description:
      'For a filtered or ordered list: when the oldest department figure behind this page was read from its system ' +
      '(the customer-360 snapshot is that old at most). Null for the plain list, which reads the identity map as it is now.',
  })
  asOf!: Date | null;

  /** Counts the whole list; run only when a client selects `totalCount` (see CustomerConnectionResolver). */
  count!: () => Promise<number>;
}

@ObjectType({ description: 'How re-reading a customer from one department system went.' })
export class SystemRefresh {
  @Field({ description: 'The department system (connector) name.' })
  system!: string;

  @Field({ description: 'True when the system answered and the repository now holds its fresh copy.' })
  ok!: boolean;

  @Field(() => String, { nullable: true, description: 'Why the refresh failed; null when it worked.' })
  error!: string | null;
}

@ObjectType({ description: 'The result of `refreshCustomer`.' })
export class RefreshCustomerPayload {
  @Field(() => Customer, {
    nullable: true,
    description: 'The customer, read after the refresh; null when the id is unknown.',
  })
  customer!: Customer | null;

  @Field(() => [SystemRefresh], { description: 'One entry per department system that knows the customer.' })
  systems!: SystemRefresh[];
}
