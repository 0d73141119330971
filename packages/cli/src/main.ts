import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { BACKENDS, commands, type Command, type CommandOptions } from './commands.ts';
import { UsageError } from './usage-error.ts';
import { version } from './version.ts';

/** `ouro --help`. */
export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `usage: ouro <command> [options]

commands:
${lines.join('\n')}

'ouro <command> --help' shows a command's options and an example; 'ouro --version' the version.
backends: ${BACKENDS}
exit codes: 0 done, 1 failed (one line on stderr names the file, field and value; a sweep: a cell
            failed), 2 usage error, 130 stopped by Ctrl-C, 143 stopped by SIGTERM (both resumable with
            'ouro resume DIR'; a sweep by running it again)
`;
}

/** `ouro COMMAND --help`: usage line, options and an example. */
export function commandHelp(command: Command): string {
  const subcommands = (command.subcommands ?? []).map((sub) => `  ouro ${sub.usage}\n      ${sub.summary}`);
  const options = Object.entries(command.options).map(([name, option]) => {
    const flag = `--${name}${option.type === 'string' ? ` ${option.valueName ?? 'VALUE'}` : ''}${option.multiple ? ' (repeatable)' : ''}`;
    return `  ${flag.padEnd(28)} ${option.description}`;
  });
  return `usage: ouro ${command.usage}

${command.description}
${subcommands.length ? `\nsub-commands ('ouro ${command.name} <sub-command> --help' for their options):\n${subcommands.join('\n')}\n` : ''}${options.length ? `\noptions:\n${options.join('\n')}\n` : ''}  ${'--help'.padEnd(28)} this help

example:
  ${command.example}
`;
}

/** Runs one `ouro` command; returns the process exit code (0 ok, 1 failure, 2 usage, 130/143 stopped by SIGINT/SIGTERM). */
export async function main(argv: readonly string[], stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      stderr.write(usage());
      return 2;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      stdout.write(usage());
      return 0;
    }
    if (name === '--version' || name === '-v') {
      stdout.write(`ouro ${version()}\n`);
      return 0;
    }
    const top = commands.find((c) => c.name === name);
    if (!top) throw new UsageError(`unknown command '${name}'; expected one of ${commands.map((c) => c.name).join(', ')}`);
    const sub = top.subcommands?.find((c) => c.name === rest[0]);
    const command = sub ?? top;
    const args = sub ? rest.slice(1) : rest;
    if (args.includes('--help') || args.includes('-h')) {
      stdout.write(commandHelp(command));
      return 0;
    }
    const { values, positionals } = parse(args, command.options);
    const names = command.positionals.map((p) => p.replace(/\?$/, ''));
    const required = command.positionals.filter((p) => !p.endsWith('?')).length;
    if (positionals.length < required || positionals.length > names.length) {
      const words = sub ? [name, sub.name] : [name];
      throw new UsageError(`expected 'ouro ${command.usage}', got ${positionals.length ? `'${[...words, ...positionals].join(' ')}'` : `no ${names.join(' ') || 'arguments'}`}`);
    }
    return await (await command.load())(positionals, values, { stdout, stderr });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`ouro: ${message.split('\n')[0]}\n`);
    // Matched by name: importing the core's classes here would load every package before --help.
    if (isNamed(error, 'RunInterrupted')) return (error as { exitCode: number }).exitCode;
    if (error instanceof UsageError) {
      stderr.write(`run 'ouro ${name && commands.some((c) => c.name === name) ? `${name} ` : ''}--help' for usage\n`);
      return 2;
    }
    if (!isNamed(error, 'ConfigError') && process.env.OURO_DEBUG) stderr.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function parse(args: string[], options: CommandOptions) {
  try {
    const config = Object.fromEntries(Object.entries(options).map(([key, o]) => [key, { type: o.type, ...(o.multiple ? { multiple: true } : {}) }]));
    return parseArgs({ args, options: config, allowPositionals: true, strict: true }) as { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
}
