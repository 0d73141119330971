import { describe, expect, it } from 'vitest';
import { imageFile, pngSize } from './image-file.ts';
import { wandbRunId } from './run-id.ts';
import { parseWandbJson, wandbJson } from './wandb-json.ts';
import { encodePng } from '@ouroboros/core';

describe('W&B values', () => {
  it('writes NaN and infinities as the bare tokens of Python json, and reads them back', () => {
    const row = { loss: Number.NaN, up: Infinity, down: -Infinity, text: 'NaN Infinity "x"', nested: { v: [1, Number.NaN] } };
    const line = wandbJson(row);
    expect(line).toBe('{"loss":NaN,"up":Infinity,"down":-Infinity,"text":"NaN Infinity \\"x\\"","nested":{"v":[1,NaN]}}');
    expect(parseWandbJson(line)).toEqual(row);
  });

  it('makes 8-character [a-z0-9] run ids, the same for the same run folder and different for another cell, another folder or a run started again', () => {
    const at = '2026-12-01T10:00:00.000Z';
    const ids = [
      { runId: 'a1b2c3d4e5', createdAt: at },
      { runId: 'a1b2c3d4e6', createdAt: at },
      { runId: 'a1b2c3d4e5', createdAt: '2026-12-01T10:00:00.001Z' },
    ].map(wandbRunId);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]{8}$/);
    expect(new Set(ids).size).toBe(3);
    expect(wandbRunId({ runId: 'a1b2c3d4e5', createdAt: at })).toBe(ids[0]);
  });

  it('describes a PNG as an image-file value from its header and sha256', () => {
    const png = encodePng({ width: 5, height: 3, pixels: new Uint8Array(45).fill(7) });
    expect(pngSize(png)).toEqual({ width: 5, height: 3 });
    const value = imageFile('samples', 12, png);
    expect(value).toMatchObject({ _type: 'image-file', format: 'png', size: png.length, width: 5, height: 3 });
    expect(value.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(value.path).toBe(`media/images/samples_12_${value.sha256.slice(0, 20)}.png`);
    expect(() => pngSize(new Uint8Array(30))).toThrow(/not a PNG/);
  });
});
