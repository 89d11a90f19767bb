import { ScopeKey, type RecordScope } from '../kit';
import type { ContactRecord } from './sales.transport';

/**
 * How resolvers find this request's sales loader in the context: contacts by contact id, one repository read and at most one `POST /contacts/batch` per tick.
 */
export const salesScope = new ScopeKey<RecordScope<ContactRecord>>('sales');
