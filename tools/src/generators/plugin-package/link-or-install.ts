import { logger } from '@nx/devkit';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Makes a new workspace package importable: `npm install` (links it and records it in
 * package-lock.json, so `npm ci` keeps working), or with `skipInstall` only the link npm would make,
 * `node_modules/<packageName>` -> the package folder.
 */
export function linkOrInstall(root: string, directory: string, packageName: string, skipInstall: boolean): void {
  if (!skipInstall) {
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    return;
  }
  const link = join(root, 'node_modules', ...packageName.split('/'));
  if (existsSync(link)) return;
  mkdirSync(join(link, '..'), { recursive: true });
  symlinkSync(relative(join(link, '..'), join(root, directory)), link, 'dir');
  logger.info(`linked ${relative(root, link)}; run npm install to record ${packageName} in package-lock.json`);
}
