import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ZipArchive, type ZipEntry } from '@ouroboros/nn';

/** The labels file of EDM's dataset_tool: `{"labels": [["00000/img00000000.png", 6], ...]}` or `{"labels": null}`. */
export const DATASET_JSON = 'dataset.json';

/** The image formats read: those pytorch-fid reads that libvips (sharp) decodes. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff'] as const;
const IMAGE_NAME = /\.(png|jpe?g|webp|tiff?)$/i;

/** Reads the bytes of the listed images; close it when done. */
export interface ImageReader {
  read(name: string): Uint8Array;
  close(): void;
}

/** The images (PNG, JPEG, WebP, TIFF) of a folder (recursive) or a zip, in name order. */
export interface ImageFiles {
  /** The folder or zip, absolute. */
  readonly source: string;
  /** Image paths relative to the source, `/`-separated, sorted. */
  readonly names: readonly string[];
  /** Files that are not images by their extension and so are left out. */
  readonly ignored: number;
  /** Zip entries whose path would leave the archive (a `..` part, or absolute), left out: never read, never written. */
  readonly escaping: readonly string[];
  /** Changes when any image is added, removed, resized or touched (folder: each file's size and mtime; zip: the zip's). */
  readonly fingerprint: string;
  /** The text of dataset.json at the root, when there is one. */
  readonly datasetJson?: string;
  /** Where an image is, for messages: `folder/name` or `archive.zip: name`. */
  where(name: string): string;
  open(): ImageReader;
}

/** Lists a folder or a zip of images; nothing is decoded yet. */
export function listImageFiles(path: string): ImageFiles {
  const source = resolve(path);
  return statSync(source).isDirectory() ? folderImages(source) : zipImages(source);
}

/** A member path that points outside the archive's root: `..` among its parts, or absolute. */
function escapesRoot(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:/.test(name) || name.split(/[/\\]/).includes('..');
}

function isHidden(name: string): boolean {
  return name.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function folderImages(source: string): ImageFiles {
  const names: string[] = [];
  const stamps: string[] = [];
  let ignored = 0;
  let datasetJson: string | undefined;
  for (const entry of readdirSync(source, { recursive: true, encoding: 'utf8' }).sort(byCodePoint)) {
    const name = entry.split('\\').join('/');
    if (isHidden(name)) continue;
    const stats = statSync(join(source, entry));
    if (!stats.isFile()) continue;
    if (name === DATASET_JSON) datasetJson = readFileSync(join(source, entry), 'utf8');
    else if (IMAGE_NAME.test(name)) {
      names.push(name);
      stamps.push(`${name}\t${stats.size}\t${stats.mtimeMs}`);
    } else ignored++;
  }
  return {
    source,
    names,
    ignored,
    escaping: [],
    fingerprint: digest([source, ...stamps, datasetJson ?? ''].join('\n')),
    ...(datasetJson !== undefined ? { datasetJson } : {}),
    where: (name) => join(source, name),
    open: () => ({ read: (name) => readFileSync(join(source, name)), close: () => {} }),
  };
}

function zipImages(source: string): ImageFiles {
  const zip = ZipArchive.open(source);
  try {
    const entries = new Map<string, ZipEntry>();
    let ignored = 0;
    let datasetJson: string | undefined;
    const escaping: string[] = [];
    for (const entry of zip.entries) {
      if (escapesRoot(entry.name)) escaping.push(entry.name);
      if (entry.name.endsWith('/') || isHidden(entry.name) || escapesRoot(entry.name)) continue;
      if (entry.name === DATASET_JSON) datasetJson = Buffer.from(zip.read(entry)).toString('utf8');
      else if (IMAGE_NAME.test(entry.name)) entries.set(entry.name, entry);
      else ignored++;
    }
    const stats = statSync(source);
    return {
      source,
      names: [...entries.keys()].sort(byCodePoint),
      ignored,
      escaping,
      fingerprint: digest(`${source}\n${stats.size}\n${stats.mtimeMs}`),
      ...(datasetJson !== undefined ? { datasetJson } : {}),
      where: (name) => `${source}: ${name}`,
      open: () => {
        const reader = ZipArchive.open(source);
        return { read: (name) => reader.read(entries.get(name)!), close: () => reader.close() };
      },
    };
  } finally {
    zip.close();
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
