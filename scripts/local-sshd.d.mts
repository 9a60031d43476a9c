/** A real OpenSSH server on a loopback port, with its own host key, config and authorized key. */
export interface Sshd {
  port: number;
  /** The user it lets in: the one running the tests (root in CI). */
  user: string;
  /** An encrypted client key it accepts (file path), its passphrase and its text. */
  keyPath: string;
  keyPassphrase: string;
  keyText: string;
  /** A key it does not accept. */
  wrongKeyPath: string;
  /** The server's host key fingerprint, as ssh-keygen -l prints it. */
  hostKeyFingerprint: string;
  /** What sshd logged so far (LogLevel DEBUG1). */
  log(): string;
  /** Kills the sshd processes serving connections (the listener stays): every tunnel drops. Returns how many. */
  killConnections(): number;
  /** Stops sshd and every connection, waits `downMs`, and starts it again on the same port. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

export const SSHD: string;
/** Whether Debian's openssh-server is installed (.ci/run installs it). */
export function sshdInstalled(): boolean;
export function startSshd(): Promise<Sshd>;
