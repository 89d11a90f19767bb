import { SiloHttpError } from './errors';
import { emailKey, phoneKey } from './indexes';

/** The query of every `/search` route. */
export interface SearchQuery {
  phone?: string;
  email?: string;
}

/** JSON schema of the search query string. Exactly one of the two is required (checked in `searchKey`). */
export const searchQuerySchema = {
  type: 'object',
  properties: {
    phone: {
      type: 'string',
      minLength: 1,
      maxLength: 40,
      description: 'A phone number in any format; matched on its last ten digits.',
    },
    email: {
      type: 'string',
      minLength: 1,
      maxLength: 320,
      description: 'An e-mail address; matched case-insensitively after trimming spaces.',
    },
  },
} as const;

/**
 * Which index to search and with which key. Throws a 400 unless exactly one of phone and email
 * is given, or if the phone has fewer than ten digits (it could not match the last ten).
 */
export function searchKey(query: SearchQuery): { by: 'phone' | 'email'; key: string } {
  if ((query.phone === undefined) === (query.email === undefined)) {
    throw new SiloHttpError(400, 'Give exactly one of the query parameters phone and email.');
  }
  if (query.phone !== undefined) {
    const key = phoneKey(query.phone);
    if (key === null) throw new SiloHttpError(400, 'querystring/phone must contain at least ten digits.');
    return { by: 'phone', key };
  }
  const key = emailKey(query.email);
  if (key === null) throw new SiloHttpError(400, 'querystring/email must not be blank.');
  return { by: 'email', key };
}

/** Records matching the query in the silo's phone and e-mail indexes. */
export function search<T>(
  query: SearchQuery,
  indexes: { phone: ReadonlyMap<string, T[]>; email: ReadonlyMap<string, T[]> },
): T[] {
  const { by, key } = searchKey(query);
  return indexes[by].get(key) ?? [];
}
