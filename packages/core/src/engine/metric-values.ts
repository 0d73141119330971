import { existsSync, readFileSync } from 'node:fs';
import { canonicalJson } from '../config/cell-id.ts';
import { writeJsonAtomic } from '../store/atomic-write.ts';
import { sha256Of } from '../store/file-checksums.ts';

type Values = Record<string, Record<string, number>>;

/**
 * The values each metric of a generation computed, kept in its checkpoint folder (with a sha256 of
 * themselves) so a stopped run does not compute them again. A damaged file keeps nothing.
 */
export class MetricValues {
  private readonly values: Values;

  constructor(readonly path: string) {
    this.values = existsSync(path) ? readValues(path) : {};
  }

  get(key: string): Record<string, number> | undefined {
    return this.values[key];
  }

  keep(key: string, values: Record<string, number>): void {
    this.values[key] = values;
    writeJsonAtomic(this.path, { values: this.values, sha256: sha256Of(canonicalJson(this.values)) });
  }
}

function readValues(path: string): Values {
  try {
    const { values, sha256 } = JSON.parse(readFileSync(path, 'utf8')) as { values: Values; sha256: string };
    return sha256Of(canonicalJson(values)) === sha256 ? values : {};
  } catch {
    return {};
  }
}
