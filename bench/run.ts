/**
 * `npm run bench [name ...]`: runs each `bench/<name>.bench.ts` in a process of its own (so no bench pays
 * for another's heap), one after the other, and leaves every table in `bench/results.json`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.slice(0, -'.bench.ts'.length))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();
if (benches.length === 0) {
  console.error(`no bench matches ${wanted.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of benches) {
  console.log(`\n== ${name}`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', `${here}${name}.bench.ts`],
    { stdio: 'inherit' },
  );
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
