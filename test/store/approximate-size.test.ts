import { approximateJsonLength } from '../../store/approximate-size';

describe('the approximate JSON length the memory layer weighs records by', () => {
  it('counts strings, arrays, nesting, null and booleans as JSON does (lengths counted by hand)', () => {
    // {"id":"c-1","tags":["a","b"]}
    expect(approximateJsonLength({ id: 'c-1', tags: ['a', 'b'] })).toBe(29);
    // {"a":{"b":null,"c":true,"d":false},"e":[]}
    expect(approximateJsonLength({ a: { b: null, c: true, d: false }, e: [] })).toBe(42);
    expect(approximateJsonLength('')).toBe(2);
    expect(approximateJsonLength([])).toBe(2);
  });

  it('counts a number as 8 characters and a date as its ISO string', () => {
    expect(approximateJsonLength(12.5)).toBe(8);
    expect(approximateJsonLength(new Date('2026-12-04T10:00:00.000Z'))).toBe(26);
    // {"n":1} with the number as 8 characters: 1 + 4 + 8 + 1
    expect(approximateJsonLength({ n: 1 })).toBe(14);
  });

  it('stays within a fifth of the exact length for a record like a sales profile', () => {
    const order = (i: number) => ({
      id: `SO-${100000 + i}`,
      date: '2026-11-02',
      total: 1234.56,
      status: 'DELIVERED',
      items: [
        { sku: 'SKU-00042', quantity: 3, unitPrice: 19.99 },
        { sku: 'SKU-00107', quantity: 1, unitPrice: 249.0 },
      ],
    });
    const profile = {
      id: 'C-004211',
      email: 'ada.lovelace@example.com',
      name: { first: 'Ada', last: 'Lovelace' },
      phone: '+1 415 555 0132',
      orders: Array.from({ length: 12 }, (_, i) => order(i)),
      opportunities: [],
      owner: null,
    };
    const exact = JSON.stringify(profile).length;
    const approximate = approximateJsonLength(profile);
    expect(Math.abs(approximate - exact) / exact).toBeLessThan(0.2);
  });

  it('leaves out inherited properties, as JSON does', () => {
    const withProto = Object.create({ inherited: 'not counted' }) as Record<string, unknown>;
    withProto.own = 'x';
    // {"own":"x"}
    expect(approximateJsonLength(withProto)).toBe(11);
  });
});
