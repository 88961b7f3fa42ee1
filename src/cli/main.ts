// The `vigie` command: commands declared as data, one clear line for a known error, the full error otherwise.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isVigieError, VigieError } from '../errors.js';
import { processIo, println, type CliIo } from './io.js';
import { checkCommand } from './check.js';
import { ingestCommand } from './ingest.js';
import { keysCommand } from './keys.js';
import { synthCommand } from './synth.js';
import { breachesCommand } from './breaches.js';
import { serveCommand } from './serve.js';
import { controllerInitCommand } from './controller.js';
import { noticesGenerateCommand, noticesPublishCommand, noticesSendCommand, noticesStatusCommand } from './notices.js';
import { reportCommand } from './report.js';
import { exportCommand } from './export.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  allowPositionals?: boolean;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

const COMMANDS: Command[] = [
  keysCommand,
  synthCommand,
  ingestCommand,
  checkCommand,
  serveCommand,
  exportCommand,
  breachesCommand,
  controllerInitCommand,
  noticesGenerateCommand,
  noticesSendCommand,
  noticesStatusCommand,
  noticesPublishCommand,
  reportCommand,
];

function usage(io: CliIo): void {
  println(io.stdout, 'Usage: vigie <command> [options]');
  println(io.stdout);
  println(io.stdout, 'Commands:');
  for (const c of COMMANDS) println(io.stdout, `  ${c.name.padEnd(18)}${c.summary}`);
  println(io.stdout);
  println(io.stdout, 'Environment: VIGIE_DB (default ./vigie.db), VIGIE_KEY_FILE (default ./vigie.key).');
  println(io.stdout, 'Run "vigie <command> --help" for the options of a command.');
}

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
    usage(io);
    return first === undefined ? 1 : 0;
  }
  // Two-word commands ("keys generate", "notices send") are grouped under their first word; the second picks one.
  const group = COMMANDS.filter((c) => c.name === first || c.name.split(' ')[0] === first);
  if (group.length === 0) {
    println(io.stderr, `vigie: unknown command "${first}" (run "vigie help")`);
    return 2;
  }
  const twoWord = group[0]!.name.includes(' ');
  const command = twoWord ? group.find((c) => c.name.split(' ')[1] === rest[0]) : group[0];
  if (command === undefined) {
    const usages = group.map((c) => `  ${c.usage}`).join('\n');
    if (rest[0] === '--help' || rest[0] === '-h' || rest[0] === undefined) {
      println(io.stdout, `Usage:\n${usages}`);
      return rest[0] === undefined ? 2 : 0;
    }
    println(io.stderr, `vigie ${first}: unknown subcommand "${rest[0]}" [E_USAGE]; usage:\n${usages}`);
    return 2;
  }
  try {
    const args = twoWord ? rest.slice(1) : rest;
    if (args.includes('--help') || args.includes('-h')) {
      println(io.stdout, `Usage: ${command.usage}`);
      return 0;
    }
    let parsed: ParsedArgs;
    try {
      parsed = parseArgs({ args: [...args], options: command.options, allowPositionals: command.allowPositionals ?? false, strict: true }) as ParsedArgs;
    } catch (error) {
      throw new VigieError('E_USAGE', `${(error as Error).message.replace(/\. To specify.*$/s, '')} (usage: ${command.usage})`);
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (isVigieError(error)) {
      println(io.stderr, `vigie ${command.name}: ${error.message} [${error.code}]`);
      return error.code === 'E_USAGE' ? 2 : 1;
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      // Pure modules report bad arguments this way; their messages never hold personal values.
      println(io.stderr, `vigie ${command.name}: ${error.message}`);
      return 1;
    }
    println(io.stderr, `vigie ${command.name}: unexpected error`);
    println(io.stderr, error instanceof Error ? (error.stack ?? error.message) : String(error));
    return 1;
  }
}
