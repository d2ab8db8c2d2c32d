#!/usr/bin/env node
/** Operators' command line: `npm run --silent cli -- <command>`. Exit 2: bad input; 1: anything else. */
import { Command, CommanderError } from 'commander';
import { InputError, calculateText, readInput } from './calc';

const program = new Command()
  .name('gengaku')
  .description('Gengaku, the SLA outage credit tracker')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

program
  .command('calc')
  .description('derive the outages of a scenario (or an array of scenarios) as JSON; FILE "-" reads stdin')
  .argument('<file>', 'scenario JSON file, or - for standard input')
  .action((file: string) => {
    const result = calculateText(readInput(file));
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
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
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
