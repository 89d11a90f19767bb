import { joinedKeys, scoreJoins } from '../../bench/peer-correctness';
import { planPeerWorkload } from '../../bench/peer-scenarios';
import { generateWorld } from '../../silos';

describe('scoreJoins', () => {
  it('counts correct, missed and wrong records per department against the ground truth', () => {
    const score = scoreJoins([
      {
        joined: { accounting: 'AC-0000001', sales: 'c-00000001', credit: null, support: null },
        truth: { accounting: 'AC-0000001', sales: 'c-00000001', credit: '12-3456789', support: 'jane@example.com' },
      },
      {
        // A record joined where the person has none, and another person's record.
        joined: { accounting: 'AC-0000002', sales: 'c-00000009', credit: '98-7654321', support: null },
        truth: { accounting: 'AC-0000002', sales: 'c-00000002' },
      },
    ]);
    expect(score.customers).toBe(2);
    expect(score.byDepartment).toEqual({
      accounting: { expected: 2, correct: 2, missed: 0, wrong: 0 },
      sales: { expected: 2, correct: 1, missed: 0, wrong: 1 },
      credit: { expected: 1, correct: 0, missed: 1, wrong: 1 },
      support: { expected: 1, correct: 0, missed: 1, wrong: 0 },
    });
    expect(score.total).toEqual({ expected: 6, correct: 3, missed: 2, wrong: 2 });
    expect(score.share).toBe(0.5);
  });

  it('has no share when nothing was expected', () => {
    expect(scoreJoins([]).share).toBeNull();
  });

  it("takes the detail records' keys from a peer answer, and nothing from a customer not found", () => {
    expect(
      joinedKeys({
        accountNumber: 'AC-0000001',
        sales: { id: 'c-00000001', contact: { id: 'c-00000001' } },
        credit: { taxNumber: '12-3456789', profile: null },
        support: { email: 'jane@example.com', requester: { email: 'jane@example.com' } },
      }),
    ).toEqual({ accounting: 'AC-0000001', sales: 'c-00000001', credit: null, support: 'jane@example.com' });
    expect(joinedKeys(null)).toEqual({ accounting: null, sales: null, credit: null, support: null });
  });

  it('scores the ground truth itself as entirely correct', () => {
    // The generator's own keys joined perfectly: a check on the scoring against the system's data.
    const people = generateWorld({ seed: 7, scale: 200 }).people;
    const score = scoreJoins(people.map((p) => ({ joined: p.keys, truth: p.keys })));
    expect(score.share).toBe(1);
    expect(score.total.expected).toBe(people.reduce((n, p) => n + Object.keys(p.keys).length, 0));
  });
});

describe('planPeerWorkload', () => {
  it('screen-pops only people every department knows, warm and cold apart', () => {
    const people = generateWorld({ seed: 7, scale: 300 }).people;
    const { warm, cold } = planPeerWorkload(people);
    for (const p of [...warm, ...cold])
      expect(Object.keys(p.keys).sort()).toEqual(['accounting', 'credit', 'sales', 'support']);
    expect(new Set([...warm, ...cold].map((p) => p.id)).size).toBe(warm.length + cold.length);
    expect(warm.length).toBeGreaterThanOrEqual(5);
  });
});
