import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { CLIENT_OPERATIONS } from '../../../schema/saved-query/client-operations';
import { documentHash, trustedDocumentsFrom } from '../../../gateway/trusted-documents';

// A hub with trusted documents on refuses to start when one of these does not run against its
// schema; a hub without checks none of them. This checks them all, against the schema served.
describe("the hub's own clients' operations", () => {
  const schema = buildSchema(readFileSync(path.join(__dirname, '../../../schema/switchboard.graphql'), 'utf8'));

  it('all run against the schema the hub serves, so trusted mode accepts them at start', () => {
    const list = trustedDocumentsFrom(new Map(CLIENT_OPERATIONS.map((text) => [documentHash(text), text])), schema);
    expect(list.size).toBe(CLIENT_OPERATIONS.length);
    for (const text of CLIENT_OPERATIONS) expect(list.includes(text)).toBe(true);
  });

  it('would be refused at start if one of them did not', () => {
    const broken = CLIENT_OPERATIONS[0].replace('name', 'nameThatIsNotThere');
    expect(() => trustedDocumentsFrom(new Map([[documentHash(broken), broken]]), schema)).toThrow(
      /does not run against this hub's schema/,
    );
  });
});
