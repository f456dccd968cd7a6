/** The POST /score body parsed row by row (src/serve/json-rows.ts) gives what one JSON.parse gives, or its error. */
import { describe, expect, it } from 'vitest';
import { parseRowsBody } from '../../src/serve/json-rows.js';

const noCheck = (): null => null;

/** How many times `pause` was awaited while parsing `text`, and the result. */
async function parse(text: string): Promise<{ body: unknown; pauses: number }> {
  let pauses = 0;
  const { body } = await parseRowsBody(text, async () => void pauses++, noCheck);
  return { body, pauses };
}

describe('parseRowsBody', () => {
  it('gives the value of JSON.parse for bodies of the expected shape and others', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: i % 2 ? `c-${i}` : i,
      text: 'a "quoted" \\ back, [bracket] {brace} \u00e9 \\u0041',
      nested: [1, [2, { x: ']', y: '}' }], null, true],
      v: i * 0.1,
    }));
    const texts = [
      JSON.stringify({ rows }),
      JSON.stringify({ rows }, null, 2),
      ` \r\n\t{ "rows" :\n[ ${rows.map((r) => JSON.stringify(r)).join(' ,\n ')} ] } \n`,
      '{"rows":[]}',
      '{"rows":[1, "two", [3], null]}',
      '{"rows":[{"a":1}],"other":2}', // another key: parsed whole
      '{"other":2,"rows":[{"a":1}]}',
      '{"rows":{"a":1}}',
      '[1,2]',
      '"rows"',
    ];
    for (const text of texts) expect((await parse(text)).body).toEqual(JSON.parse(text));
    // 300 rows: paced every 64
    expect((await parse(texts[0])).pauses).toBe(4);
  });

  it('throws the SyntaxError of JSON.parse for text that is not JSON', async () => {
    const bad = ['{"rows":[{"a":1},]}', '{"rows":[{"a":1}', '{"rows":[{"a":"x]}', '{"rows":[{"a":1}]}}', '{"rows":[{"a":1} {"b":2}]}', '{"rows":[01]}', ''];
    for (const text of bad) {
      let expected = '';
      try {
        JSON.parse(text);
      } catch (e) {
        expected = (e as Error).message;
      }
      expect(expected).not.toBe('');
      await expect(parseRowsBody(text, async () => {}, noCheck)).rejects.toThrow(expected);
    }
  });

  it('checks every row, with its index, and the whole body when parsed whole', async () => {
    const seen: number[] = [];
    const check = (value: unknown, i: number): string | null => {
      seen.push(i);
      return i === 2 ? `row ${i}: ${JSON.stringify(value)}` : null;
    };
    const { problem } = await parseRowsBody('{"rows":[{"a":0},{"a":1},{"a":2},{"a":3}]}', async () => {}, check);
    expect(problem).toBe('row 2: {"a":2}');
    expect(seen).toEqual([0, 1, 2]);
    seen.length = 0;
    expect((await parseRowsBody('{"x":1,"rows":[{"a":0}]}', async () => {}, check)).problem).toBeNull();
    expect(seen).toEqual([-1]);
    // a forbidden key before text that is not JSON: the text is reported as not JSON
    await expect(parseRowsBody('{"rows":[{"a":0},{"a":1},{"a":2},{"a":3},]}', async () => {}, check)).rejects.toThrow(SyntaxError);
  });
});
