import type { AccountRecord, InvoiceRecord, PaymentRecord } from './accounting.transport';
import { type AccountingAccount, type Invoice, InvoiceStatus, type Payment, PaymentMethod } from './accounting.types';

// Accounting keeps money in minor units (cents); the graph speaks currency units.
const fromMinor = (minor: number): number => Math.round(minor) / 100;

const invoiceStatus: Record<InvoiceRecord['status'], InvoiceStatus> = {
  paid: InvoiceStatus.PAID,
  open: InvoiceStatus.OPEN,
  overdue: InvoiceStatus.OVERDUE,
  void: InvoiceStatus.VOID,
};

const paymentMethod: Record<PaymentRecord['method'], PaymentMethod> = {
  card: PaymentMethod.CARD,
  transfer: PaymentMethod.TRANSFER,
  direct_debit: PaymentMethod.DIRECT_DEBIT,
};

function toInvoice(record: InvoiceRecord): Invoice {
  const due = record.status === 'paid' || record.status === 'void' ? 0 : record.totalMinor - record.paidMinor;
  return {
    number: record.number,
    issuedOn: record.issuedOn,
    dueDate: record.dueOn,
    total: fromMinor(record.totalMinor),
    amountPaid: fromMinor(record.paidMinor),
    amountDue: fromMinor(Math.max(0, due)),
    status: invoiceStatus[record.status],
  };
}

function toPayment(record: PaymentRecord): Payment {
  return {
    id: record.id,
    receivedOn: record.receivedOn,
    amount: fromMinor(record.amountMinor),
    invoiceNumber: record.invoiceNumber,
    method: paymentMethod[record.method],
  };
}

/** Maps accounting's account record to the graph's `AccountingAccount` (freshness added by the resolver). */
export function toAccountingAccount(record: AccountRecord): Omit<AccountingAccount, 'freshness'> {
  return {
    accountNumber: record.accountNumber,
    currency: record.currency,
    balance: fromMinor(record.balanceMinor),
    overdueAmount: fromMinor(record.overdueMinor),
    allInvoices: record.invoices.map(toInvoice),
    allPayments: record.payments.map(toPayment),
  };
}
