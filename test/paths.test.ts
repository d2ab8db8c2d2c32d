/** The project's asset directories are found from the code's own location, from source or from the build. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findProjectDir, MIGRATIONS_DIR, PROJECT_DIR } from '../src/paths';

const project = fileURLToPath(new URL('..', import.meta.url)).replace(
  /\/$/,
  '',
);
const outside = mkdtempSync(join(tmpdir(), 'gengaku-paths-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('the project directory', () => {
  it('is found from any depth below it: src/db (tsx) or dist (the build)', () => {
    expect(PROJECT_DIR).toBe(project);
    expect(findProjectDir(join(project, 'src', 'db'))).toBe(project);
    expect(findProjectDir(join(project, 'dist'))).toBe(project);
    expect(existsSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'))).toBe(
      true,
    );
  });

  it('is not some other package.json on the way up, and is named when it cannot be found', () => {
    mkdirSync(join(outside, 'other'), { recursive: true });
    // A package.json of another package (such as a dependency's) is passed over.
    writeFileSync(join(outside, 'other', 'package.json'), '{"name":"other"}');
    expect(() => findProjectDir(join(outside, 'other'))).toThrow(
      "cannot find Gengaku's package.json above",
    );
  });
});
