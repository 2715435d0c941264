/**
 * A real SMTP server on loopback (smtp-server) standing in for an office mail server: keeps
 * every accepted message raw, can demand a login, and rejects chosen recipients with 550.
 * `SilentSmtpServer` accepts connections and never greets, for timeout tests.
 */
import net from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { closeServer, listen, trackSockets } from './net.js';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
}

export interface FakeSmtpOptions {
  /** When set, AUTH is required with exactly these credentials. */
  auth?: { user: string; pass: string };
  /** Recipients answered with `550 5.1.1 … user unknown`. */
  rejectRecipients?: string[];
  /** Recipients answered with `450 4.2.1 … try later`. */
  deferRecipients?: string[];
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

export class FakeSmtpServer {
  readonly mails: ReceivedMail[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor(opts: FakeSmtpOptions = {}) {
    const reject = new Set(opts.rejectRecipients ?? []);
    const defer = new Set(opts.deferRecipients ?? []);
    this.server = new SMTPServer({
      secure: false,
      disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      // A login over plain text is what this loopback test needs; real servers use TLS.
      allowInsecureAuth: true,
      authOptional: !opts.auth,
      logger: false,
      onAuth(auth, _session, cb) {
        if (auth.username === opts.auth?.user && auth.password === opts.auth?.pass) cb(null, { user: auth.username });
        else cb(smtpError('Invalid username or password', 535));
      },
      onRcptTo(address, _session, cb) {
        if (reject.has(address.address)) cb(smtpError(`5.1.1 <${address.address}>: user unknown`, 550));
        else if (defer.has(address.address)) cb(smtpError(`4.2.1 <${address.address}>: try later`, 450));
        else cb();
      },
      onData: (stream: SMTPServerDataStream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          this.mails.push({ from, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
          cb(null, 'queued as fake');
        });
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Accepts TCP connections and says nothing, like a mail server stuck behind a firewall. */
export class SilentSmtpServer {
  private readonly server = net.createServer(() => undefined);
  private readonly sockets = trackSockets(this.server);
  port = 0;

  async start(): Promise<this> {
    this.port = await listen(this.server, 0);
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server, this.sockets);
  }
}

/** A loopback port with nothing listening: connections are refused at once. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
