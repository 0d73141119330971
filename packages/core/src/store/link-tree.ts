import { copyFileSync, linkSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writingTo } from './atomic-write.ts';

/**
 * Gives the file or folder tree `source` a second name, `target`: each file hard-linked (no bytes
 * copied; copied where the filesystem has no hard links), so both names hold it until one goes.
 */
export function linkTree(source: string, target: string): void {
  if (lstatSync(source).isDirectory()) {
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(source)) linkTree(join(source, name), join(target, name));
    return;
  }
  writingTo(target, () => {
    try {
      linkSync(source, target);
    } catch (error) {
      if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      copyFileSync(source, target);
    }
  });
}
