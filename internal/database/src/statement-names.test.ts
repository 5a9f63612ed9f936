import { statementNamer } from './statement-names';

describe('statementNamer', () => {
  it('names a text from its second run on, the same name every time', () => {
    const nameOf = statementNamer(10);
    expect(nameOf({ sql: 'SELECT 1' })).toBe('');
    const name = nameOf({ sql: 'SELECT 1' });
    expect(name).toEqual(expect.stringMatching(/./));
    expect(nameOf({ sql: 'SELECT 1' })).toBe(name);
    nameOf({ sql: 'SELECT 2' });
    expect(nameOf({ sql: 'SELECT 2' })).not.toBe(name);
  });

  it('names no more than its limit of texts; those named keep their names', () => {
    const nameOf = statementNamer(2);
    const texts = ['SELECT 1', 'SELECT 2', 'SELECT 3'];
    for (const sql of [...texts, ...texts]) nameOf({ sql });
    const names = texts.map((sql) => nameOf({ sql }));
    expect(names[0]).toEqual(expect.stringMatching(/./));
    expect(names[1]).toEqual(expect.stringMatching(/./));
    expect(names[2]).toBe('');
    expect(new Set(names).size).toBe(3);
  });

  it('forgets texts seen once beyond four times its limit, and still names those repeated', () => {
    const nameOf = statementNamer(1);
    for (let index = 0; index < 10; index++) nameOf({ sql: `SELECT ${index}` });
    // SELECT 0 was forgotten when the set of texts seen once filled up.
    expect(nameOf({ sql: 'SELECT 0' })).toBe('');
    expect(nameOf({ sql: 'SELECT 9' })).toEqual(expect.stringMatching(/./));
  });
});
