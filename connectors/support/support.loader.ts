import { ScopeKey, type RecordScope } from '../kit';
import type { RequesterRecord } from './support.transport';

/**
 * How resolvers find this request's support loader in the context: requesters by e-mail, one repository read and at most one `POST /requesters/batch` per tick.
 */
export const supportScope = new ScopeKey<RecordScope<RequesterRecord>>('support');
