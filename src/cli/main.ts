#!/usr/bin/env node
/** Operators' command line: `npm run --silent cli -- <command>`. Exit 2: bad input; 1: anything else. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command, CommanderError, Option } from 'commander';
import { settingsFromEnv } from '../config';
import { openStore } from '../db/client';
import { describeLevel } from '../db/migrations';
import { ROLES } from '../domain/roles';
import { ServiceError } from '../errors';
import { UserInput } from '../schemas/api';
import { fieldErrorsOf } from '../schemas/common';
import { systemClock } from '../services/context';
import { createUser, rotateUserTokens } from '../services/users';
import {
  backupDatabase,
  backupIntoDirectory,
  parseEvery,
  parseKeep,
  restoreDatabase,
} from './backup';
import { calculateText, InputError, readInput } from './calc';
import { importIncidents } from './import-incidents';

const program = new Command()
  .name('gengaku')
  .description('Gengaku, the SLA outage credit tracker')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

const databaseOption = () =>
  new Option(
    '--database <path>',
    'the SQLite database (default: DATABASE_PATH or ./data/gengaku.db)',
  );

async function withStore<T>(
  databasePath: string | undefined,
  work: (
    store: ReturnType<typeof openStore>,
    settings: ReturnType<typeof settingsFromEnv>,
  ) => T | Promise<T>,
): Promise<T> {
  const settings = settingsFromEnv();
  const store = openStore(databasePath ?? settings.databasePath);
  try {
    return await work(store, settings);
  } finally {
    store.close();
  }
}

/** The operator at the command line acts as an admin. */
const operator = (
  store: ReturnType<typeof openStore>,
  settings: ReturnType<typeof settingsFromEnv>,
) => ({
  store,
  clock: systemClock,
  config: settings.app,
  actor: {
    userId: 'operator:cli',
    role: 'admin' as const,
    customerId: null,
  },
});

program
  .command('calc')
  .description(
    'derive the outages of a scenario (or an array of scenarios) as JSON; FILE "-" reads stdin',
  )
  .argument('<file>', 'scenario JSON file, or - for standard input')
  .action((file: string) => {
    const result = calculateText(readInput(file));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  });

program
  .command('user')
  .description('manage users')
  .command('create')
  .description('create a user and print its API token (shown once)')
  .requiredOption('--name <name>')
  .requiredOption('--email <email>')
  .addOption(new Option('--role <role>').choices(ROLES).makeOptionMandatory())
  .option(
    '--customer-id <id>',
    'for a customer user: the customer it belongs to',
  )
  .option(
    '--password <password>',
    'for logging in to the web pages (at least 12 characters)',
  )
  .addOption(databaseOption())
  .action(
    async (options: {
      name: string;
      email: string;
      role: string;
      customerId?: string;
      password?: string;
      database?: string;
    }) => {
      const parsed = UserInput.safeParse({
        name: options.name,
        email: options.email,
        role: options.role,
        customerId: options.customerId,
        password: options.password,
      });
      if (!parsed.success)
        throw new InputError(
          fieldErrorsOf(parsed.error)
            .map((error) => `--${error.path}: ${error.message}`)
            .join('\n'),
        );
      await withStore(options.database, async (store, settings) => {
        const user = await createUser(operator(store, settings), parsed.data);
        process.stdout.write(`${JSON.stringify(user, null, 2)}\n`);
      });
    },
  );

program
  .command('token')
  .description('manage API tokens')
  .command('rotate')
  .description(
    'revoke every token of a user and print one new token (shown once); rotates the bootstrap token with --email admin@gengaku.local',
  )
  .requiredOption('--email <email>', 'the user whose tokens are replaced')
  .addOption(databaseOption())
  .action(async (options: { email: string; database?: string }) => {
    await withStore(options.database, (store, settings) => {
      const rotated = rotateUserTokens(
        operator(store, settings),
        options.email,
      );
      process.stdout.write(`${JSON.stringify(rotated, null, 2)}\n`);
    });
  });

program
  .command('backup')
  .description(
    'copy the database while the server keeps running (SQLite online backup), once or --every interval',
  )
  .argument(
    '<target>',
    'a file; or a directory (an existing one, or with --every or --keep) that gets gengaku-<UTC time>.db files',
  )
  .option('--every <interval>', 'repeat until stopped, e.g. 1h, 30m, 1d')
  .option('--keep <n>', 'in the directory, keep only the newest n backups')
  .addOption(databaseOption())
  .action(
    async (
      target: string,
      options: { every?: string; keep?: string; database?: string },
    ) => {
      const databasePath = options.database ?? settingsFromEnv().databasePath;
      const everyMs =
        options.every === undefined ? undefined : parseEvery(options.every);
      const keep =
        options.keep === undefined ? undefined : parseKeep(options.keep);
      const intoDirectory =
        everyMs !== undefined ||
        keep !== undefined ||
        (existsSync(target) && statSync(target).isDirectory());
      if (!intoDirectory) {
        const { totalPages } = await backupDatabase(databasePath, target);
        process.stdout.write(
          `backed up ${totalPages} pages of ${databasePath} to ${target}\n`,
        );
        return;
      }
      const once = async () => {
        const done = await backupIntoDirectory(databasePath, target, {
          keep,
          now: new Date(),
        });
        process.stdout.write(
          `backed up ${done.totalPages} pages of ${databasePath} to ${done.file}\n`,
        );
        for (const path of done.removed)
          process.stdout.write(`removed the old backup ${path}\n`);
      };
      if (everyMs === undefined) return once();
      await repeatUntilStopped(everyMs, once);
    },
  );

/** Runs `work` now and then every `everyMs` until SIGTERM or SIGINT; a failed run is reported and the next one tried. */
async function repeatUntilStopped(
  everyMs: number,
  work: () => Promise<void>,
): Promise<void> {
  const stopped = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(signal, () => stopped.abort());
  let failures = 0;
  while (!stopped.signal.aborted) {
    try {
      await work();
    } catch (error) {
      failures++;
      process.stderr.write(
        `backup failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
    await sleep(everyMs, undefined, { signal: stopped.signal }).catch(
      () => undefined,
    );
  }
  process.stdout.write('stopped\n');
  if (failures > 0)
    throw new Error(`${failures} scheduled backups failed (see above)`);
}

program
  .command('restore')
  .description(
    'replace the database with a backup: refused while a server holds it, or if the backup fails integrity_check or is newer than this version',
  )
  .argument('<backup>', 'the backup file')
  .addOption(databaseOption())
  .action(async (backup: string, options: { database?: string }) => {
    const databasePath = options.database ?? settingsFromEnv().databasePath;
    const { level, notes } = await restoreDatabase(backup, databasePath);
    for (const note of notes) process.stdout.write(`${note}\n`);
    process.stdout.write(
      `restored ${backup} to ${databasePath}: integrity_check ok; ${describeLevel(level)}\n`,
    );
  });

program
  .command('import-incidents')
  .description(
    'import incidents from a CSV file, all or nothing; errors name the line',
  )
  .argument(
    '<file>',
    `CSV with a header line: ${'ref,title,cause,severity,awareAt,start,end,regions,contractNumbers,excludeContractNumbers,description'}`,
  )
  .requiredOption(
    '--as <email>',
    'the support or admin user recorded as having logged them',
  )
  .addOption(databaseOption())
  .action(async (file: string, options: { as: string; database?: string }) => {
    const csv = file === '-' ? readInput('-') : readFileSync(file, 'utf8');
    await withStore(options.database, (store, settings) => {
      const { incidentIds } = importIncidents(
        store,
        settings.app,
        systemClock,
        csv,
        options.as,
      );
      process.stdout.write(`imported ${incidentIds.length} incidents\n`);
    });
  });

async function main(argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof InputError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof ServiceError) {
      process.stderr.write(`${error.code}: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

process.exitCode = await main(process.argv);
