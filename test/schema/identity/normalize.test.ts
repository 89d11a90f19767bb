import {
  normalizeEmail,
  normalizeName,
  normalizeNameCasing,
  normalizePhone,
  normalizeTaxNumber,
} from '../../../schema/identity';

describe('identity normalisation', () => {
  it.each([
    ['+1 415-555-0132', '+14155550132'],
    ['(415) 555-0132', '+14155550132'],
    ['415.555.0132', '+14155550132'],
    ['4155550132', '+14155550132'],
    ['+1 (415) 555 0132', '+14155550132'],
  ])('writes the phone %s as E.164', (raw, e164) => {
    expect(normalizePhone(raw, 'US')).toBe(e164);
  });

  it.each(['', 'call me', '123', '+1 000 000 0000'])('refuses %j as a phone number', (raw) => {
    expect(normalizePhone(raw, 'US')).toBeNull();
  });

  it('reads numbers without a country code in the default country', () => {
    expect(normalizePhone('020 7946 0018', 'GB')).toBe('+442079460018');
  });

  it('lower-cases and trims e-mails, and refuses what is not one', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    expect(normalizeEmail('jane.doe')).toBeNull();
    expect(normalizeEmail('jane @example.com')).toBeNull();
  });

  it('compares tax numbers without their punctuation', () => {
    expect(normalizeTaxNumber('12-3456789')).toBe('123456789');
    expect(normalizeTaxNumber('123456789')).toBe('123456789');
    expect(normalizeTaxNumber('gb 123 456')).toBe('GB123456');
    expect(normalizeTaxNumber('12-3')).toBeNull();
  });

  it.each([
    ['DOE, Jane', 'Jane Doe'],
    ['jane  doe', 'Jane Doe'],
    ['JANE DOE', 'Jane Doe'],
    ['Mary-Ann McDonald', 'Mary-Ann McDonald'],
    ["o'brien, sean", "Sean O'Brien"],
  ])('writes the name %j as %j', (raw, name) => {
    expect(normalizeName(raw)).toBe(name);
  });

  it.each([
    ['Dereck McGlynn', 'Dereck McGlynn', false],
    ['MCGLYNN, Dereck', 'Dereck Mcglynn', true],
    ['dereck mcglynn', 'Dereck Mcglynn', true],
    ['Ludwig van Beethoven', 'Ludwig van Beethoven', false],
    ['J. Doe', 'J. Doe', false],
  ])('writes %j as %j, re-cased: %j', (raw, name, recased) => {
    expect(normalizeNameCasing(raw)).toEqual({ name, recased });
  });
});
