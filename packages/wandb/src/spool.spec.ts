import { afterAll, describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ouroboros/core/testing';
import { Spool } from './spool.ts';

const tmp = tempDir('ouroboros-wandb-spool-');
afterAll(() => tmp.cleanup());

const row = (step: number) => ({ kind: 'history', role: 'generation', generation: step, step, row: { generation: step } }) as const;

describe('Spool', () => {
  it('drops a line torn by a crash and goes on appending after the last whole record', () => {
    const dir = join(tmp.dir, 'torn');
    const spool = Spool.open(dir);
    spool.append(row(0));
    spool.append(row(1));
    appendFileSync(join(dir, 'wandb', 'spool.jsonl'), '{"kind":"history","ro');
    const reopened = Spool.open(dir);
    expect(reopened.pending.map((p) => p.record)).toEqual([row(0), row(1)]);
    reopened.append(row(2));
    const lines = readFileSync(join(dir, 'wandb', 'spool.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).step)).toEqual([0, 1, 2]);
  });

  it('keeps what the server acknowledged across reopening, with each pending record at its line in the W&B file', () => {
    const dir = join(tmp.dir, 'acked');
    const spool = Spool.open(dir);
    spool.append({ kind: 'output', line: 'a' });
    for (let i = 0; i < 4; i++) spool.append(row(i));
    spool.append({ kind: 'output', line: 'b' });
    spool.ack(3, { generation: 1 });
    const reopened = Spool.open(dir);
    expect([reopened.acked, reopened.records, reopened.summary]).toEqual([3, 6, { generation: 1 }]);
    expect(reopened.pending.map((p) => [p.record.kind, p.historyIndex, p.outputIndex])).toEqual([
      ['history', 2, 1],
      ['history', 3, 1],
      ['output', 4, 1],
    ]);
  });

  it('keeps NaN and infinities in the journal and the state, as W&B shows them', () => {
    const dir = join(tmp.dir, 'nan');
    const spool = Spool.open(dir);
    spool.append({ kind: 'history', role: 'generation', generation: 0, step: 0, row: { loss: Number.NaN, fd: Infinity } });
    spool.ack(0, { loss: Number.NaN });
    const reopened = Spool.open(dir);
    expect(reopened.pending[0]!.record).toMatchObject({ row: { loss: Number.NaN, fd: Infinity } });
    expect(reopened.summary).toEqual({ loss: Number.NaN });
  });

  it('lets one live process send at a time and takes over a lock left by a dead one', () => {
    const dir = join(tmp.dir, 'lock');
    const spool = Spool.open(dir);
    const lock = join(dir, 'wandb', 'sender.lock');
    writeFileSync(lock, String(process.ppid));
    expect(spool.lock()).toBe(false);
    writeFileSync(lock, '2147483646');
    expect(spool.lock()).toBe(true);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    spool.unlock();
    const again = Spool.open(dir);
    expect(again.lock()).toBe(true);
    again.unlock();
  });
});
