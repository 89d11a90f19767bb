import { ScopeKey, type RecordScope } from '../kit';
import type { ProfileRecord } from './credit.transport';

/**
 * How resolvers find this request's credit loader in the context: profiles by tax number, one repository read and at most one `POST /profiles/lookup` per tick.
 */
export const creditScope = new ScopeKey<RecordScope<ProfileRecord>>('credit');
