import { linkRecords, newCustomerId, type SourceRecord } from '../../../schema/identity';
import { RecordNormaliser, valuesOf } from '../../../schema/identity/link';
import * as normalize from '../../../schema/identity/normalize';

const SYSTEMS = ['accounting', 'sales', 'credit', 'support'];

function record(system: string, key: string, fields: Partial<Omit<SourceRecord, 'system' | 'key'>> = {}): SourceRecord {
  return { system, key, name: null, emails: [], phones: [], taxNumbers: [], ...fields };
}

const link = (records: SourceRecord[], existing?: Map<string, string>) =>
  linkRecords(records, { defaultCountry: 'US', systemOrder: SYSTEMS, existing });

describe('linkRecords', () => {
  it('links records that share a normalised e-mail, phone or tax number', () => {
    const { customers } = link([
      record('accounting', 'AC-1', {
        name: 'DOE, Jane',
        emails: ['Jane.Doe@Example.com'],
        phones: ['(415) 555-0132'],
        taxNumbers: ['123456789'],
      }),
      record('sales', 'c-1', { name: 'Jane Doe', emails: [' JANE.DOE@EXAMPLE.COM'] }),
      record('credit', '12-3456789', { name: 'Jane Doe', taxNumbers: ['12-3456789'] }),
      record('support', 'other@example.com', {
        name: 'jane doe',
        emails: ['other@example.com'],
        phones: ['+14155550132'],
      }),
      record('sales', 'c-2', { name: 'John Roe', emails: ['john@example.com'] }),
    ]);
    expect(customers).toHaveLength(2);
    const jane = customers.find((c) => c.links.length === 4)!;
    expect(jane.links).toEqual([
      { system: 'accounting', key: 'AC-1' },
      { system: 'sales', key: 'c-1' },
      { system: 'credit', key: '12-3456789' },
      { system: 'support', key: 'other@example.com' },
    ]);
    expect(jane.name).toBe('Jane Doe');
    expect(jane.emails).toEqual(['jane.doe@example.com', 'other@example.com']);
    expect(jane.phones).toEqual(['+14155550132']);
    expect(jane.taxNumbers).toEqual(['123456789']);
  });

  it('names a customer as the one system that kept the casing, though two others shout it', () => {
    const { customers } = link([
      record('accounting', 'AC-1', { name: 'MCGLYNN, Dereck', taxNumbers: ['123456789'] }),
      record('sales', 'c-1', { name: 'Dereck McGlynn', emails: ['d@example.com'] }),
      record('credit', '123456789', { name: 'DERECK MCGLYNN', taxNumbers: ['123456789'], emails: ['d@example.com'] }),
      record('support', 'd@example.com', { name: 'dereck mcglynn', emails: ['d@example.com'] }),
    ]);
    expect(customers.map((c) => c.name)).toEqual(['Dereck McGlynn']);
  });

  it('title-cases a name when no system kept its casing', () => {
    const { customers } = link([
      record('accounting', 'AC-1', { name: 'MCGLYNN, Dereck', emails: ['d@example.com'] }),
      record('support', 'd@example.com', { name: 'dereck mcglynn', emails: ['d@example.com'] }),
    ]);
    expect(customers.map((c) => c.name)).toEqual(['Dereck Mcglynn']);
  });

  it('keeps records apart when nothing but the name matches', () => {
    const { customers } = link([
      record('sales', 'c-1', { name: 'Jane Doe' }),
      record('support', 'j@x.com', { name: 'Jane Doe', emails: ['j@x.com'] }),
    ]);
    expect(customers).toHaveLength(2);
  });

  it('refuses a link that would give one customer two keys in one system, and counts it', () => {
    const { customers, conflicts } = link([
      record('sales', 'c-1', { emails: ['a@x.com'], phones: ['+14155550132'] }),
      record('sales', 'c-2', { emails: ['b@x.com'], phones: ['+14155550132'] }),
    ]);
    expect(customers).toHaveLength(2);
    expect(conflicts).toBe(1);
  });

  it('refuses a second key of a system in a set already merged from several systems, and keeps a repeated record', () => {
    const { customers, conflicts } = link([
      record('accounting', 'AC-1', { taxNumbers: ['123456789'], emails: ['a@x.com'] }),
      record('credit', '12-3456789', { taxNumbers: ['12-3456789'], phones: ['+14155550132'] }),
      // The sales record joins through the e-mail; the second one, another key, would join through the phone.
      record('sales', 'c-1', { emails: ['A@X.com'] }),
      record('sales', 'c-2', { phones: ['(415) 555-0132'] }),
      // The same record listed twice by its system (same key) is no conflict.
      record('support', 's-1', { emails: ['a@x.com'] }),
      record('support', 's-1', { emails: ['a@x.com'] }),
    ]);
    expect(conflicts).toBe(1);
    expect(customers.map((c) => c.links.map((l) => `${l.system}:${l.key}`))).toEqual(
      expect.arrayContaining([
        ['accounting:AC-1', 'sales:c-1', 'credit:12-3456789', 'support:s-1', 'support:s-1'],
        ['sales:c-2'],
      ]),
    );
    expect(customers).toHaveLength(2);
  });

  it('keeps every distinct value of a record, sorted, and links through any of them', () => {
    const { customers } = link([
      record('sales', 'c-1', { emails: ['Zed@x.com', 'a@x.com', 'zed@X.com'], phones: ['n/a', '4155550132'] }),
      record('support', 's-1', { emails: ['ZED@x.com'] }),
      record('accounting', 'AC-1', { phones: ['+1 415 555 0132'] }),
    ]);
    expect(customers).toHaveLength(1);
    expect(customers[0]).toMatchObject({ emails: ['a@x.com', 'zed@x.com'], phones: ['+14155550132'] });
  });

  it("tries a record's values in sorted order, so the same join wins a conflict on every run", () => {
    // s-1 reaches c-1 through a@x.com and c-2 through b@x.com: only one of them can be its sales
    // record, and a@x.com, sorted first, decides, whatever order support wrote them in.
    for (const emails of [
      ['b@x.com', 'a@x.com'],
      ['a@x.com', 'b@x.com'],
    ]) {
      const { customers, conflicts } = link([
        record('support', 's-1', { emails }),
        record('sales', 'c-1', { emails: ['a@x.com'] }),
        record('sales', 'c-2', { emails: ['b@x.com'] }),
      ]);
      expect(conflicts).toBe(1);
      expect(customers.map((c) => c.links.map((l) => l.key))).toEqual(
        expect.arrayContaining([['c-1', 's-1'], ['c-2']]),
      );
    }
  });

  it('leaves both sets as they were after a refused join, so a later join of either still happens', () => {
    const { customers, conflicts } = link([
      // Two merged sets, each with a sales key: the first phone would join them and is refused.
      record('accounting', 'AC-1', { emails: ['a@x.com'], phones: ['+14155550132'] }),
      record('sales', 'c-1', { emails: ['a@x.com'] }),
      record('credit', 'K-2', { emails: ['b@x.com'], phones: ['+14155550132'] }),
      record('sales', 'c-2', { emails: ['b@x.com'], phones: ['+14155550199'] }),
      // Then each set still takes a support record of its own, through a phone.
      record('support', 's-1', { phones: ['+14155550132'] }),
      record('support', 's-2', { phones: ['+14155550199'] }),
    ]);
    expect(conflicts).toBe(1);
    expect(customers.map((c) => c.links.map((l) => `${l.system}:${l.key}`).sort())).toEqual(
      expect.arrayContaining([
        ['accounting:AC-1', 'sales:c-1', 'support:s-1'],
        ['credit:K-2', 'sales:c-2', 'support:s-2'],
      ]),
    );
    expect(customers).toHaveLength(2);
  });

  it('gives a new customer the same id on every run, whatever the input order', () => {
    const records = [
      record('sales', 'c-9', { emails: ['a@x.com'] }),
      record('accounting', 'AC-9', { emails: ['A@x.com'] }),
    ];
    const first = link(records).customers[0]._id;
    const second = link([...records].reverse()).customers[0]._id;
    expect(first).toBe(second);
    expect(first).toBe(newCustomerId({ system: 'accounting', key: 'AC-9' }));
  });

  it('keeps the id a previous sync gave, and makes the other id an alias when two customers merge', () => {
    const existing = new Map([
      ['sales:c-1', 'cus_kept'],
      ['accounting:AC-1', 'cus_kept'],
      ['support:a@x.com', 'cus_gone'],
    ]);
    const { customers } = link(
      [
        record('accounting', 'AC-1', { emails: ['a@x.com'] }),
        record('sales', 'c-1', { emails: ['a@x.com'] }),
        record('support', 'a@x.com', { emails: ['a@x.com'] }),
      ],
      existing,
    );
    expect(customers).toEqual([expect.objectContaining({ _id: 'cus_kept', aliases: ['cus_gone'] })]);
  });

  it('never links through a malformed phone or e-mail', () => {
    const { customers } = link([
      record('sales', 'c-1', { phones: ['n/a'], emails: ['unknown'] }),
      record('support', 's-1', { phones: ['n/a'], emails: ['unknown'] }),
    ]);
    expect(customers).toHaveLength(2);
  });
});

describe('RecordNormaliser', () => {
  /** Numbers of several countries, valid and not, with a national prefix written in parentheses too. */
  const NUMBERS = [
    '4155550132',
    '+14155550132',
    '2025550143',
    '+442079460000',
    '+44(0)2079460000',
    '02079460000',
    '+33142685300',
    '0142685300',
    '5550132',
    '12',
    '+999123456789',
  ];
  /** The same digits with the punctuation each system writes, in different places. */
  const punctuations = (digits: string): string[] => {
    const plus = digits.startsWith('+') ? '+' : '';
    const bare = digits.slice(plus.length);
    return [
      digits,
      `${plus}${bare.slice(0, 3)} ${bare.slice(3)}`,
      `${plus}(${bare.slice(0, 3)}) ${bare.slice(3, 6)}-${bare.slice(6)}`,
      `${plus}${bare.slice(0, 3)}.${bare.slice(3, 6)}.${bare.slice(6)}`,
      `${plus}${bare.slice(0, 1)} ${bare.slice(1, 4)}-${bare.slice(4, 7)}-${bare.slice(7)}`,
      // White space the parser does not skip (it reads no number there), and space it does.
      `${plus}${bare.slice(0, 3)}\t${bare.slice(3)}`,
      `${plus}${bare.slice(0, 3)}\n${bare.slice(3)}`,
      `${plus}${bare.slice(0, 3)}\u2003${bare.slice(3)}`,
      `${plus}${bare.slice(0, 3)}\u00A0${bare.slice(3)}`,
      // Past the parser's input limit.
      `${digits}${' '.repeat(260)}`,
    ];
  };

  it('keeps no value as null, one as itself and several as a sorted list without repeats', () => {
    const normaliser = new RecordNormaliser('US');
    const normalised = normaliser.normalise(
      record('sales', 'k', {
        name: 'DOE, JANE',
        emails: ['Zed@x.com', 'a@x.com', 'zed@X.com'],
        phones: ['(415) 555-0132'],
        taxNumbers: ['n/a'],
      }),
      'sales',
    );
    expect(normalised).toEqual({
      system: 'sales',
      key: 'k',
      name: 'Jane Doe',
      recased: true,
      emails: ['a@x.com', 'zed@x.com'],
      phones: '+14155550132',
      taxNumbers: null,
    });
    expect(normaliser.normalise(record('sales', 'k'), 'sales')).toMatchObject({
      name: null,
      recased: false,
      emails: null,
      phones: null,
    });
  });

  it('gives every written form of a number what the phone parser gives it, one parse per number', () => {
    const forms = NUMBERS.flatMap(punctuations);
    const expected = forms.map((written) => [written, normalize.normalizePhone(written, 'US')]);
    const parse = jest.spyOn(normalize, 'normalizePhone');
    try {
      const normaliser = new RecordNormaliser('US');
      const got = forms.map((written) => {
        const [e164 = null] = valuesOf(
          normaliser.normalise(record('sales', 'k', { phones: [written] }), 'sales').phones,
        );
        return [written, e164];
      });
      expect(got).toEqual(expected);
      // One parse for the punctuated forms of each number (no-break space included), and one for
      // each form with a tab, a newline, an em space or past the input limit.
      expect(parse).toHaveBeenCalledTimes(NUMBERS.length * 5);
    } finally {
      parse.mockRestore();
    }
  });

  it('parses a number written with anything but punctuation as written, apart from the bare number', () => {
    const normaliser = new RecordNormaliser('US');
    const phones = (written: string) =>
      valuesOf(normaliser.normalise(record('sales', 'k', { phones: [written] }), 'sales').phones);
    expect(phones('415-555-0132 ext. 7')).toEqual(
      [normalize.normalizePhone('415-555-0132 ext. 7', 'US')].filter(Boolean),
    );
    expect(phones('4155550132')).toEqual(['+14155550132']);
    expect(phones('not a number')).toEqual([]);
  });
});
