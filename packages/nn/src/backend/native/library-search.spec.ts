import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNativeLibraries } from './native-libraries.ts';
import { CBLAS, ONEDNN, searchOrder } from './library-search.ts';

describe('searchOrder', () => {
  it('tries the platform candidates, OpenBLAS first on Linux', () => {
    const order = searchOrder(CBLAS, { LD_LIBRARY_PATH: '' }, 'linux');
    expect(order[0]).toBe('libopenblas.so.0');
    expect(order).toContain('libmkl_rt.so.2');
    expect(searchOrder(CBLAS, {}, 'darwin')).toContain('/System/Library/Frameworks/Accelerate.framework/Accelerate');
  });

  it('takes the environment variable alone when set, and nothing for none', () => {
    expect(searchOrder(CBLAS, { OURO_BLAS: '/opt/blis/lib/libblis.so' }, 'linux')).toEqual(['/opt/blis/lib/libblis.so']);
    expect(searchOrder(ONEDNN, { OURO_DNNL: 'none' }, 'linux')).toEqual([]);
    expect(searchOrder(ONEDNN, { OURO_DNNL: ' NONE ' }, 'linux')).toEqual([]);
  });

  it('finds versioned oneDNN files in LD_LIBRARY_PATH, newest first, before the fixed names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ouro-libs-'));
    for (const name of ['libdnnl.so.2.6', 'libdnnl.so.3.6', 'libdnnl.so.3', 'libdnnl.so', 'libdnnl.so.3.6.bak']) writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, 'libdnnl.so.9'));
    const order = searchOrder(ONEDNN, { LD_LIBRARY_PATH: dir }, 'linux');
    const ours = order.filter((p) => p.startsWith(dir));
    expect(ours.slice(0, 3)).toEqual([join(dir, 'libdnnl.so.9'), join(dir, 'libdnnl.so.3.6'), join(dir, 'libdnnl.so.3')]);
    expect(ours).not.toContain(join(dir, 'libdnnl.so.3.6.bak'));
    expect(order.indexOf('libdnnl.so.3')).toBeGreaterThan(order.indexOf(join(dir, 'libdnnl.so.2.6')));
  });
});

describe('findNativeLibraries', () => {
  it('says what it tried and why each failed', () => {
    const libs = findNativeLibraries({ OURO_BLAS: '/nonexistent/libopenblas.so.0', OURO_DNNL: '/nonexistent/libdnnl.so.3' });
    expect(libs.blas).toBeNull();
    expect(libs.dnnl).toBeNull();
    expect(libs.missing.blas).toMatch(/^no CBLAS found \(.*\/nonexistent\/libopenblas\.so\.0.*\)$/);
    expect(libs.missing.dnnl).toMatch(/^no oneDNN found \(.*\/nonexistent\/libdnnl\.so\.3/);
  });

  it('refuses a library that is not what it is asked for', () => {
    const libs = findNativeLibraries({ OURO_BLAS: 'libc.so.6', OURO_DNNL: 'libm.so.6' });
    expect(libs.missing.blas).toMatch(/libc\.so\.6: exports no cblas_sgemm/);
    expect(libs.missing.dnnl).toMatch(/libm\.so\.6: exports no dnnl_version \(not oneDNN\)/);
  });

  it('finds nothing when both are switched off', () => {
    expect(findNativeLibraries({ OURO_BLAS: 'none', OURO_DNNL: 'none' }).missing).toEqual({ blas: 'OURO_BLAS=none', dnnl: 'OURO_DNNL=none' });
  });
});
