import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNativeAddon } from '../../src/backend/native.js';
import { createBackend, isSoftwareAdapter, vulkanLoaderPresent } from '../../src/backend/select.js';
import { UserError } from '../../src/errors.js';
import { randomSpec } from '../helpers/specs.js';

describe('backend selection', () => {
  it('recognises software rasterisers by adapter name', () => {
    expect(isSoftwareAdapter('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareAdapter('SwiftShader Device (Subzero)')).toBe(true);
    expect(isSoftwareAdapter('NVIDIA H100 80GB HBM3')).toBe(false);
  });

  it('finds the Vulkan loader on LD_LIBRARY_PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nutmeg-vk-'));
    writeFileSync(join(dir, 'libvulkan.so.1'), '');
    expect(vulkanLoaderPresent({ LD_LIBRARY_PATH: dir })).toBe(true);
  });

  it('auto picks the native backend on a machine without a GPU, saying why in one line', async () => {
    const lines: string[] = [];
    const backend = await createBackend('auto', randomSpec('pooled', { n: 100 }), {}, (l) => lines.push(l));
    expect(backend.kind).toBe(loadNativeAddon() ? 'native' : 'reference');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
    await backend.dispose();
  });

  it('an explicitly requested backend that cannot start is a user error, not a fallback', async () => {
    const spec = randomSpec('pooled', { n: 100 });
    await expect(createBackend('webgpu', spec, { adapter: 'no-such-adapter-anywhere' })).rejects.toBeInstanceOf(UserError);
  });
});
