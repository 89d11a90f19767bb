import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { Freshness } from '../kit';

/** Where an invoice stands. */
export enum InvoiceStatus {
  PAID = 'PAID',
  OPEN = 'OPEN',
  OVERDUE = 'OVERDUE',
  VOID = 'VOID',
}
registerEnumType(InvoiceStatus, {
  name: 'InvoiceStatus',
  description: 'Where an invoice stands.',
  valuesConfig: {
    PAID: { description: 'Paid in full.' },
    OPEN: { description: 'Issued, not yet due, not fully paid.' },
    OVERDUE: { description: 'Past its due date and not fully paid.' },
    VOID: { description: 'Cancelled; nothing is owed on it.' },
  },
});

/** How a payment was made. */
export enum PaymentMethod {
  CARD = 'CARD',
  TRANSFER = 'TRANSFER',
  DIRECT_DEBIT = 'DIRECT_DEBIT',
}
registerEnumType(PaymentMethod, {
  name: 'PaymentMethod',
  description: 'How a payment was made.',
  valuesConfig: {
    CARD: { description: 'Debit or credit card.' },
    TRANSFER: { description: 'Bank transfer initiated by the customer.' },
    DIRECT_DEBIT: { description: 'Collected by direct debit.' },
  },
});

@ObjectType({ description: 'An invoice issued to the customer by accounting.' })
export class Invoice {
  @Field(() => ID, { description: 'Invoice number, as printed on the invoice.' })
  number!: string;

  @Field(() => LocalDateResolver, { description: 'The day the invoice was issued.' })
  issuedOn!: string;

  @Field(() => LocalDateResolver, { description: 'The day payment is due.' })
  dueDate!: string;

  @Field(() => Float, { description: 'Invoice total, in the account currency.' })
  total!: number;

  @Field(() => Float, { description: 'How much of the total has been paid.' })
  amountPaid!: number;

  @Field(() => Float, { description: 'What is still owed on this invoice (0 when paid or void).' })
  amountDue!: number;

  @Field(() => InvoiceStatus, { description: 'Where the invoice stands.' })
  status!: InvoiceStatus;
}

@ObjectType({ description: 'A payment received from the customer.' })
export class Payment {
  @Field(() => ID, { description: "Accounting's payment reference." })
  id!: string;

  @Field(() => LocalDateResolver, { description: 'The day the payment was received.' })
  receivedOn!: string;

  @Field(() => Float, { description: 'Amount received, in the account currency.' })
  amount!: number;

  @Field(() => String, { nullable: true, description: 'The invoice the payment settles, if any.' })
  invoiceNumber!: string | null;

  @Field(() => PaymentMethod, { description: 'How the customer paid.' })
  method!: PaymentMethod;
}

@ObjectType({ description: "The customer's account in the accounting system: balance, invoices and payments." })
export class AccountingAccount {
  @Field(() => ID, { description: 'The account number in the accounting system.' })
  accountNumber!: string;

  @Field({ description: 'ISO 4217 code of the currency every amount on this account is in.' })
  currency!: string;

  @Field(() => Float, { description: 'Total the customer owes now (all unpaid invoices), in the account currency.' })
  balance!: number;

  @Field(() => Float, { description: 'The part of the balance that is past due.' })
  overdueAmount!: number;

  @Field(() => Freshness, { description: 'When this account was fetched from accounting, and whether it is stale.' })
  freshness!: Freshness;

  // Resolved by AccountingAccountResolver (arguments `last` and `status`).
  allInvoices!: Invoice[];

  // Resolved by AccountingAccountResolver (argument `last`).
  allPayments!: Payment[];
}
