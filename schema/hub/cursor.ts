import { badUserInput } from '../errors';

const PREFIX = 'customer:';

/** An opaque cursor for a customer's position in hub-id order. */
export function encodeCursor(customerId: string): string {
  return Buffer.from(`${PREFIX}${customerId}`, 'utf8').toString('base64url');
}

/** The hub id inside a cursor; BAD_USER_INPUT when it is not one of ours. */
export function decodeCursor(cursor: string, argument = 'after'): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!decoded.startsWith(PREFIX) || decoded.length === PREFIX.length) {
    throw badUserInput(`Argument "${argument}" is not a cursor this API returned: "${cursor}"`, argument);
  }
  return decoded.slice(PREFIX.length);
}
