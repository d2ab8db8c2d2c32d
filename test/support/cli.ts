/** The operators' command line as a process, from source; DATABASE_PATH points into `dir` so no test touches ./data. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export function cliIn(dir: string) {
  return (...args: string[]) =>
    spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_PATH: join(dir, 'unused.db') },
      },
    );
}
