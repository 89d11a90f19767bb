import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { connectorConfigSchema } from '../../../config';
import { bareRuntime } from '../../../gateway/runtime';
import {
  DeclarationError,
  loadConnectorDeclaration,
  parseDeclaration,
  readDeclarationFile,
  recordVersionOf,
} from '../../../connectors/declarative';

const FIXTURE = path.join(__dirname, 'fixtures', 'newsletter.yaml');

/** One edit to the fixture: the dot path it changes and the value it writes there (undefined: deleted). */
type Edit = [path: string, value: unknown];

/** The fixture with `edits` made, written to its own file the way an integrator would. */
function wrongFile(name: string, ...edits: Edit[]): string {
  const declaration = parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
  for (const [at, value] of edits) {
    const segments = at.split('.');
    const parent = segments
      .slice(0, -1)
      .reduce<Record<string, unknown>>((node, segment) => node[segment] as Record<string, unknown>, declaration);
    if (value === undefined) delete parent[segments.at(-1)!];
    else parent[segments.at(-1)!] = value;
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'declaration-')), name);
  writeFileSync(file, name.endsWith('.json') ? JSON.stringify(declaration) : JSON.stringify(declaration, null, 2));
  return file;
}

const problemIn = (file: string): string => {
  try {
    loadConnectorDeclaration(file);
  } catch (error) {
    expect(error).toBeInstanceOf(DeclarationError);
    return (error as Error).message;
  }
  throw new Error(`${file} loaded`);
};

describe('a declaration file', () => {
  it('loads into a connector factory named after the declaration', () => {
    expect(loadConnectorDeclaration(FIXTURE).name).toBe('newsletter');
  });

  it.each<[string, Edit, string]>([
    [
      'a misspelt scalar',
      ['graph.types.Subscriber.fields.email.type', 'Strin'],
      'marketing.yaml: graph.types.Subscriber.fields.email.type: expected one of String, Int, Float, Boolean, ID, DateTime, LocalDate or a declared type/enum, got "Strin"',
    ],
    [
      'a list of an undeclared type',
      ['graph.types.Subscriber.fields.sends.type', ['Sned']],
      'marketing.yaml: graph.types.Subscriber.fields.sends.type: expected one of String, Int, Float, Boolean, ID, DateTime, LocalDate or a declared type/enum, got "Sned"',
    ],
    [
      'a field without a description',
      ['graph.types.Send.fields.clicks.description', undefined],
      'marketing.yaml: graph.types.Send.fields.clicks.description: expected a description (one sentence), got nothing',
    ],
    [
      "the importer's placeholder left in",
      ['graph.types.Send.description', 'TODO: describe'],
      'marketing.yaml: graph.types.Send.description: replace the importer\'s placeholder "TODO: describe" with a description',
    ],
    [
      'a base URL, which belongs in the hub config',
      ['url', 'http://127.0.0.1:4105'],
      'marketing.yaml: url: unknown key: leave it out or check its spelling',
    ],
    [
      'a path that names another host',
      ['batch.path', '//attacker.example/steal'],
      'marketing.yaml: batch.path: expected a path on the system, not "//" and a host',
    ],
    [
      'a batch method it cannot send',
      ['batch.method', 'PUT'],
      'marketing.yaml: batch.method: expected POST (keys in a body array) or GET (keys in a query parameter), got "PUT"',
    ],
    [
      'an unknown paging style',
      ['directory.paging.style', 'links'],
      'marketing.yaml: directory.paging.style: expected cursor, page or offset, got "links"',
    ],
    [
      'an unknown key normalisation',
      ['key.normalise', 'upper'],
      'marketing.yaml: key.normalise: expected one of none, lowercase, trim-lowercase, got "upper"',
    ],
    [
      'a record type that is not declared',
      ['graph.record', 'Subscribr'],
      'marketing.yaml: graph.record: expected one of the declared types (Subscriber or Send), got "Subscribr"',
    ],
    [
      'a transform the field type cannot hold',
      ['graph.types.Send.fields.clicks.transform', ['minorUnits']],
      'marketing.yaml: graph.types.Send.fields.clicks.transform: minorUnits gives a Float value, but the field is Int',
    ],
    [
      'a figure path that names no field',
      ['figures.opens.count', 'sends.opend'],
      'marketing.yaml: figures.opens.count: Send has no field opend (in "sends.opend")',
    ],
    [
      'a figure whose type is not what its expression gives',
      ['figures.clicks.type', 'Float'],
      'marketing.yaml: figures.clicks.type: expected Int (what sum "sends.clicks" gives), got "Float"',
    ],
    [
      'a count of something that is no list',
      ['figures.opens.count', 'email'],
      'marketing.yaml: figures.opens.count: expected a path to a list, got "email"',
    ],
    [
      'two system values mapped to one enum value',
      ['graph.enums.ConsentState.values.UNSUBSCRIBED.from', 'subscribed'],
      'marketing.yaml: graph.enums.ConsentState.values.UNSUBSCRIBED.from: "subscribed" already maps to SUBSCRIBED',
    ],
    [
      'a type that contains itself',
      ['graph.types.Send.fields.again', { type: 'Subscriber', description: 'Loops.' }],
      'marketing.yaml: graph.types.Subscriber: types may not contain themselves (Subscriber → Send → Subscriber)',
    ],
  ])('is refused with %s, naming the file, the path and what was expected', (_, edit, message) => {
    expect(problemIn(wrongFile('marketing.yaml', edit))).toBe(message);
  });

  it('is refused in JSON too, by the same rules', () => {
    const file = wrongFile('marketing.json', ['graph.types.Freshness', { description: 'Clashes.', fields: {} }]);
    expect(problemIn(file)).toBe("marketing.json: graph.types.Freshness: Freshness is the hub's own type: rename it");
  });

  it('that is not YAML at all is refused with the line and column', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'declaration-')), 'broken.yaml');
    writeFileSync(file, 'name: marketing\nbatch: { method: POST\n');
    expect(problemIn(file)).toBe(
      'broken.yaml: line 3, column 1: is not valid YAML: Flow map in block collection must be sufficiently indented and end with a }',
    );
  });

  it('that cannot be read is refused naming it', () => {
    expect(problemIn(path.join(tmpdir(), 'no-such-declaration.yaml'))).toBe(
      'no-such-declaration.yaml: (file): cannot be read (ENOENT)',
    );
  });

  it('keeps the secret out of the file: the hub config names the environment variable that holds it', () => {
    const factory = loadConnectorDeclaration(FIXTURE);
    const config = connectorConfigSchema.parse({ url: 'http://127.0.0.1:1' });
    expect(() => factory.create(config, bareRuntime())).toThrow(
      'Invalid config: connectors.newsletter.credentials.apiKey: the newsletter connector needs this credential; say which environment variable holds it, e.g. { "env": "NEWSLETTER_APIKEY" }',
    );
  });

  it('changes its cached record version when the record mapping changes, and only then', () => {
    const version = recordVersionOf(readDeclarationFile(FIXTURE));
    expect(recordVersionOf(readDeclarationFile(FIXTURE))).toBe(version);
    const renamed = wrongFile('renamed.yaml', ['graph.types.Send.fields.clicks.from', 'clickCount']);
    expect(recordVersionOf(readDeclarationFile(renamed))).not.toBe(version);
    const redescribed = wrongFile('redescribed.yaml', ['description', 'Another sentence.']);
    expect(recordVersionOf(readDeclarationFile(redescribed))).toBe(version);
  });

  it('parses an object already read, naming the file it came from', () => {
    expect(() => parseDeclaration({ name: 'x' }, 'inline.yaml')).toThrow(
      'inline.yaml: description: expected a description (one sentence), got nothing',
    );
  });
});
