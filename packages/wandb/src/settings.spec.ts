import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { tempDir } from '@ouroboros/core/testing';
import { netrcPassword } from './netrc.ts';
import { Secret } from './secret.ts';
import { resolveConnection, resolveSettings } from './settings.ts';

const tmp = tempDir('ouroboros-wandb-settings-');
const noNetrc = join(tmp.dir, 'absent-netrc');

describe('resolveSettings', () => {
  it('takes each setting from the options, else the W&B environment variable, else the default', () => {
    const env = {
      NETRC: noNetrc,
      WANDB_API_KEY: 'from-env',
      WANDB_BASE_URL: 'https://wandb.example.org/',
      WANDB_ENTITY: 'team',
      WANDB_PROJECT: 'env-project',
      WANDB_MODE: 'dryrun',
      WANDB_RUN_ID: 'abc123xy',
      WANDB_RUN_GROUP: 'env-group',
      WANDB_TAGS: 'a, b,,c',
      WANDB_NAME: 'env-name',
      WANDB_NOTES: 'env notes',
      WANDB_JOB_TYPE: 'eval',
      WANDB_SWEEP_ID: 'sw1',
    };
    const fromEnv = resolveSettings({}, env);
    expect({ ...fromEnv, apiKey: fromEnv.apiKey?.reveal() }).toEqual({
      baseUrl: 'https://wandb.example.org',
      apiKey: 'from-env',
      apiKeySource: 'WANDB_API_KEY',
      mode: 'offline',
      project: 'env-project',
      entity: 'team',
      runId: 'abc123xy',
      group: undefined,
      envGroup: 'env-group',
      tags: ['a', 'b', 'c'],
      name: 'env-name',
      notes: 'env notes',
      jobType: 'eval',
      sweep: 'sw1',
    });
    const fromOptions = resolveSettings({ project: 'p', entity: 'me', mode: 'online', tags: ['x'], group: 'g', name: 'n', jobType: 'train', sweep: 'sw2', baseUrl: 'http://127.0.0.1:9' }, env);
    expect(fromOptions).toMatchObject({ project: 'p', entity: 'me', mode: 'online', tags: ['x'], group: 'g', name: 'n', jobType: 'train', sweep: 'sw2', baseUrl: 'http://127.0.0.1:9' });
    expect(resolveSettings({}, { NETRC: noNetrc })).toMatchObject({ baseUrl: 'https://api.wandb.ai', apiKey: undefined, mode: 'online', project: 'ouroboros', entity: undefined, jobType: 'retrain', tags: [] });
  });

  it('reads the key from the netrc entry of the server host when WANDB_API_KEY is unset', () => {
    const netrc = join(tmp.dir, 'netrc');
    writeFileSync(netrc, '# wandb login\nmachine other.host login x password nope\nmachine wandb.example.org\n  login user\n  password netrc-key\n');
    const c = resolveConnection('https://wandb.example.org', { NETRC: netrc });
    expect(c.apiKey?.reveal()).toBe('netrc-key');
    expect(c.apiKeySource).toBe(netrc);
    expect(resolveConnection('https://api.wandb.ai', { NETRC: netrc }).apiKey).toBeUndefined();
    expect(resolveConnection('https://wandb.example.org', { NETRC: netrc, WANDB_API_KEY: 'env-wins' }).apiKey?.reveal()).toBe('env-wins');
    expect(netrcPassword(netrc, 'other.host')).toBe('nope');
  });

  it('refuses a bad WANDB_MODE, WANDB_RUN_ID or WANDB_BASE_URL with one line naming it', () => {
    expect(() => resolveSettings({}, { NETRC: noNetrc, WANDB_MODE: 'sometimes' })).toThrow(/^WANDB_MODE = "sometimes": expected online, offline or disabled$/);
    expect(() => resolveSettings({}, { NETRC: noNetrc, WANDB_RUN_ID: 'a/b' })).toThrow(/^WANDB_RUN_ID = "a\/b": /);
    expect(() => resolveSettings({}, { NETRC: noNetrc, WANDB_BASE_URL: 'not a url' })).toThrow(/^WANDB_BASE_URL = "not a url": not a URL/);
  });

  it('keeps the key out of every printed or serialized form', () => {
    const settings = resolveSettings({}, { NETRC: noNetrc, WANDB_API_KEY: 'super-secret-key' });
    for (const text of [JSON.stringify(settings), String(settings.apiKey), inspect(settings, { depth: 5 }), `${new Secret('super-secret-key')}`]) {
      expect(text).not.toContain('super-secret-key');
    }
    expect(settings.apiKey?.reveal()).toBe('super-secret-key');
  });
});
