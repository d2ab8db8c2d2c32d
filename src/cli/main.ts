#!/usr/bin/env node
/** Operators' command line: `npm run --silent cli -- <command>`. Exit 2: bad input; 1: anything else. */
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Command, CommanderError, Option } from 'commander';
import { settingsFromEnv } from '../config';
import { openStore } from '../db/client';
import { ROLES } from '../domain/roles';
import { ServiceError } from '../errors';
import { UserInput } from '../schemas/api';
import { fieldErrorsOf } from '../schemas/common';
import { createUser, rotateUserTokens } from '../services/users';
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
  clock: Date.now,
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
    'copy the database to FILE while the server keeps running (SQLite online backup)',
  )
  .argument('<file>', 'where to write the copy')
  .addOption(databaseOption())
  .action(async (file: string, options: { database?: string }) => {
    // The live database as it is: read-only, never created or migrated by a mistyped path.
    const path = options.database ?? settingsFromEnv().databasePath;
    let source: Database.Database;
    try {
      source = new Database(path, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new InputError(
        `cannot open the database ${path}: ${(error as Error).message}`,
      );
    }
    try {
      const { totalPages } = await source.backup(file);
      process.stdout.write(
        `backed up ${totalPages} pages of ${path} to ${file}\n`,
      );
    } finally {
      source.close();
    }
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
        Date.now,
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
