import { ScopeKey, type RecordScope } from '../kit';
import type { AccountRecord } from './accounting.transport';

/**
 * How resolvers find this request's accounting loader in the context: accounts by account
 * number, one repository read and at most one `POST /accounts/batch` per tick.
 */
export const accountingScope = new ScopeKey<RecordScope<AccountRecord>>('accounting');
