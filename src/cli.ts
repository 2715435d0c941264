/**
 * Administration from the shell: `npm run pantau -- user add --name ana --role admin`.
 * The password is read from --password-stdin (piped), or asked for on a terminal, so it never
 * lands in shell history.
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ConfigError, loadConfig } from './config/load.js';
import { openStore } from './store/index.js';
import { hashPassword } from './services/auth.js';
import { UserInput } from './schemas/user.js';

const USAGE = `Usage:
  pantau user add --name <username> --role admin|owner|viewer [--display-name <text>] [--password-stdin]
  pantau user list
  pantau user passwd --name <username> [--password-stdin]`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [noun, verb] = positionals;
  if (values.help || noun !== 'user' || !verb) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  const store = openStore(path.resolve(config.dataDir, 'pantau.db'));
  try {
    if (verb === 'list') {
      for (const u of store.users.list()) process.stdout.write(`${u.username}\t${u.role}${u.disabled ? '\t(disabled)' : ''}\n`);
      return 0;
    }
    if (!values.name) throw new Error('--name is required');
    if (verb === 'add') {
      // Check what we can before asking for a password, so a typo costs nothing.
      const early = UserInput.pick({ username: true, role: true }).safeParse({ username: values.name, role: values.role });
      if (!early.success) throw new Error(early.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const password = await readPassword(values['password-stdin']);
      const parsed = UserInput.safeParse({ username: values.name, role: values.role, password, displayName: values['display-name'] });
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      if (store.users.findByUsername(parsed.data.username)) throw new Error(`user "${parsed.data.username}" exists already`);
      const u = parsed.data;
      store.users.insert(
        { username: u.username, displayName: u.displayName ?? u.username, role: u.role, passwordHash: await hashPassword(u.password), language: u.language, timeZone: u.timeZone },
        Date.now(),
      );
      process.stdout.write(`added ${u.username} (${u.role})\n`);
      return 0;
    }
    if (verb === 'passwd') {
      const user = store.users.findByUsername(values.name);
      if (!user) throw new Error(`no user "${values.name}"`);
      const password = await readPassword(values['password-stdin']);
      if (password.length < 8) throw new Error('password: at least 8 characters');
      store.users.update(user.id, { passwordHash: await hashPassword(password) }, Date.now());
      store.sessions.revokeAll(user.id); // sessions and API tokens; a running server's sockets follow at its next check
      process.stdout.write(`password changed for ${user.username}\n`);
      return 0;
    }
    throw new Error(`unknown command "user ${verb}"\n${USAGE}`);
  } finally {
    store.close();
  }
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  // Hide what is typed: readline echoes through _writeToOutput.
  const muted = rl as unknown as { _writeToOutput: (s: string) => void };
  const question = rl.question('Password: ');
  muted._writeToOutput = () => {};
  const answer = await question;
  rl.close();
  process.stdout.write('\n');
  return answer;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : `error: ${(err as Error).message}`}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
