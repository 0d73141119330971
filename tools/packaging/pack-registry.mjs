// A registry for the @ouroboros scope served from packed tarballs on 127.0.0.1, so that npm installs
// them exactly as it will from the npm registry once they are published: `npm install -g
// @ouroboros/cli --@ouroboros:registry=URL` (every other package still comes from the npm registry).
// Used by the out-of-workspace test; `node tools/packaging/pack-registry.mjs packs/*.tgz` serves
// until stopped and prints its URL.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** package/package.json of a tarball (an npm pack: gzip of a ustar archive). */
export function manifestOf(tgz) {
  const tar = gunzipSync(tgz);
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const name = tar.subarray(offset, offset + 100).toString('utf8').replace(/\0.*$/s, '');
    const prefix = tar.subarray(offset + 345, offset + 500).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    if (name === '' && prefix === '') break;
    if ((prefix ? `${prefix}/${name}` : name) === 'package/package.json') return JSON.parse(tar.subarray(offset + 512, offset + 512 + size).toString('utf8'));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error('no package/package.json in the tarball');
}

/** Serves `tarballs` as a registry; resolves to { url, close() }. */
export async function servePacks(tarballs) {
  const packages = new Map();
  for (const path of tarballs) {
    const data = readFileSync(path);
    const manifest = manifestOf(data);
    packages.set(manifest.name, { manifest, data, file: basename(path) });
  }
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://registry').pathname).replace(/^\/+/, '');
    const tarball = [...packages.values()].find((p) => path === `-/${p.file}`);
    if (tarball) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.data.length });
      response.end(tarball.data);
      return;
    }
    const pkg = packages.get(path);
    if (!pkg) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: `${path} is not among the packed tarballs` }));
      return;
    }
    const { version } = pkg.manifest;
    const dist = {
      tarball: `${url}-/${pkg.file}`,
      shasum: createHash('sha1').update(pkg.data).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(pkg.data).digest('base64')}`,
    };
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
    response.end(JSON.stringify({ name: pkg.manifest.name, 'dist-tags': { latest: version }, versions: { [version]: { ...pkg.manifest, _id: `${pkg.manifest.name}@${version}`, dist } } }));
  });
  await new Promise((listening) => server.listen(0, '127.0.0.1', listening));
  const url = `http://127.0.0.1:${server.address().port}/`;
  return { url, close: () => new Promise((closed) => server.close(closed)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { url } = await servePacks(process.argv.slice(2));
  console.log(`serving ${process.argv.length - 2} packages at ${url}: npm install --@ouroboros:registry=${url} ...`);
}
