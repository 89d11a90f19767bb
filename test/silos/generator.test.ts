import { generateWorld, SILO_NAMES, type World } from '../../silos';

describe('generateWorld', () => {
  it('generates byte-identical worlds from the same seed and scale', () => {
    const first = JSON.stringify(generateWorld({ seed: 5, scale: 300 }));
    const second = JSON.stringify(generateWorld({ seed: 5, scale: 300 }));
    expect(second).toBe(first);
  });

  it('generates different people, records and epoch from another seed', () => {
    const a = generateWorld({ seed: 5, scale: 300 });
    const b = generateWorld({ seed: 6, scale: 300 });
    expect(b.people.map((p) => p.email)).not.toEqual(a.people.map((p) => p.email));
    expect(b.accounting.map((r) => r.balanceMinor)).not.toEqual(a.accounting.map((r) => r.balanceMinor));
    expect(b.epoch).not.toBe(a.epoch);
  });

  it('dates the world from its seed, not from the clock', () => {
    const world = generateWorld({ seed: 0, scale: 10 });
    expect(world.epoch).toBe('2026-03-31T00:00:00.000Z');
    expect(generateWorld({ seed: 1, scale: 10 }).epoch).toBe('2026-03-30T00:00:00.000Z');
  });

  it.each([1, 37, 2000])('makes exactly %i people at that scale', (scale) => {
    expect(generateWorld({ seed: 3, scale }).people).toHaveLength(scale);
  });

  it('keeps the first people of a larger world like those of a smaller one', () => {
    // People are drawn one after another from their own stream, so the scale knob only adds people.
    const small = generateWorld({ seed: 9, scale: 50 });
    const large = generateWorld({ seed: 9, scale: 500 });
    expect(large.people.slice(0, 50).map((p) => p.email)).toEqual(small.people.map((p) => p.email));
  });

  it.each([0, -1, 1.5, 100_001, Number.NaN])('rejects scale %p with a sentence naming the range', (scale) => {
    expect(() => generateWorld({ seed: 1, scale })).toThrow(
      `generateWorld expected scale to be an integer from 1 to 100000, but got ${String(scale)}.`,
    );
  });

  it('rejects a negative seed', () => {
    expect(() => generateWorld({ seed: -3, scale: 5 })).toThrow('expected seed to be a non-negative integer');
  });
});

describe('silo coverage', () => {
  const world: World = generateWorld({ seed: 21, scale: 5000 });
  const share = (name: keyof World['people'][number]['keys']) =>
    world.people.filter((person) => person.keys[name] !== undefined).length / world.people.length;

  it.each([
    ['accounting', 0.85],
    ['sales', 0.8],
    ['credit', 0.6],
    ['support', 0.7],
  ] as const)('puts roughly the planned share of people in %s', (name, planned) => {
    expect(Math.abs(share(name) - planned)).toBeLessThan(0.03);
  });

  it('puts every person in at least one silo', () => {
    expect(world.people.filter((person) => Object.keys(person.keys).length === 0)).toEqual([]);
  });

  it('has one record per key, and keys unique within each silo', () => {
    const recordKeys: Record<string, string[]> = {
      accounting: world.accounting.map((r) => r.accountNumber),
      sales: world.sales.map((r) => r.id),
      credit: world.credit.map((r) => r.taxNumber),
      support: world.support.map((r) => r.email),
    };
    for (const name of SILO_NAMES) {
      const personKeys = world.people.flatMap((person) => (person.keys[name] ? [person.keys[name]] : []));
      expect(new Set(recordKeys[name]).size).toBe(recordKeys[name].length);
      expect([...personKeys].sort()).toEqual([...recordKeys[name]].sort());
    }
  });

  it('writes keys in the formats the README gives', () => {
    expect(world.accounting.every((r) => /^AC-\d{7}$/.test(r.accountNumber))).toBe(true);
    expect(world.sales.every((r) => /^c-[0-9a-f]{8}$/.test(r.id))).toBe(true);
    expect(world.credit.every((r) => /^\d{2}-\d{7}$/.test(r.taxNumber))).toBe(true);
    expect(world.support.every((r) => r.email === r.email.trim().toLowerCase())).toBe(true);
  });

  it('gives about 3% of people a hard case, of every kind', () => {
    const hard = world.people.filter((person) => person.hardCase !== null);
    expect(hard.length / world.people.length).toBeGreaterThan(0.015);
    expect(hard.length / world.people.length).toBeLessThan(0.045);
    expect(new Set(hard.map((person) => person.hardCase?.kind)).size).toBe(7);
  });
});
