import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tempDir } from '../testing/index.ts';
import { readJsonFile } from './read-json-file.ts';

const temp = tempDir('read-json-');
afterAll(() => temp.cleanup());
const schema = z.object({ format: z.literal('x'), values: z.array(z.number()) });

describe('readJsonFile', () => {
  it('returns the parsed value, and names the file, the field and the expectation on each failure', () => {
    const path = join(temp.dir, 'x.json');
    expect(() => readJsonFile(path, schema, 'a file written by X')).toThrow(`${path}: missing; expected a file written by X`);
    writeFileSync(path, '{"format": "x",');
    expect(() => readJsonFile(path, schema, 'a file written by X')).toThrow(new RegExp(`^${path}: not valid JSON \\(.*\\); expected a file written by X$`));
    writeFileSync(path, '{"format": "x", "values": [1, "two"]}');
    expect(() => readJsonFile(path, schema, 'a file written by X')).toThrow(`${path}: values.1 = "two": expected number, received string; expected a file written by X`);
    writeFileSync(path, '{"format": "x", "values": [1, 2]}');
    expect(readJsonFile(path, schema, 'a file written by X')).toEqual({ format: 'x', values: [1, 2] });
  });
});
