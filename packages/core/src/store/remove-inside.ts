import { lstatSync, readlinkSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * Deletes `path` (a file, or a folder with everything in it) only where it lies inside `root`
 * without passing through a link: a link met on the way is refused, naming it; a link that is
 * `path` itself, or lies below it, is removed as a link, never what it points at.
 */
export function removeInside(root: string, path: string): void {
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`${path}: not inside ${root}; ouroboros deletes only inside its own folders`);
  }
  let at = root;
  for (const part of rel.split(sep).slice(0, -1)) {
    at = join(at, part);
    const stats = lstatOrNull(at);
    if (stats === null) return; // nothing there to delete
    if (stats.isSymbolicLink()) throw new LinkRefused(at);
  }
  rmSync(path, { recursive: true, force: true });
}

/** A link where ouroboros expects its own folder: it neither writes nor deletes through it. */
export class LinkRefused extends Error {
  constructor(readonly path: string) {
    super(`${path}: is a link (to ${readlinkSync(path)}); ouroboros writes and deletes its own files only inside the run folder, never through a link: replace the link with a folder`);
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
