// (h) (d) through an SSH tunnel: a local sshd (Debian's openssh-server) forwards every database
// connection, so the difference to (d) is the tunnel's cost (encryption, one more hop).
import { sshdInstalled, startSshd } from '../../scripts/local-sshd.mjs';
import { countRows, verifyCount } from '../lib/db.mjs';
import { runTarget } from '../lib/run-target.mjs';

const id = 'h-target-append-narrow-ssh-tunnel';
const schema = 'bench_append_narrow_tunnel';

export default {
  id,
  label: '(h) target append-only, narrow, through an SSH tunnel',
  schema,
  input: (files) => files.narrowSinger,
  unavailable: () => (sshdInstalled() ? undefined : '/usr/sbin/sshd is not installed (apt-get install openssh-server)'),
  async run(ctx) {
    const sshd = await startSshd();
    try {
      const ssh_tunnel = { enable: true, host: '127.0.0.1', port: sshd.port, username: sshd.user, private_key: sshd.keyPath, private_key_password: sshd.keyPassphrase };
      const m = await runTarget(ctx, { id, schema, input: ctx.files.narrowSinger, settings: { ssh_tunnel } });
      verifyCount(id, countRows(ctx.databaseUrl, schema, 'narrow'), ctx.rows);
      return m;
    } finally {
      await sshd.stop();
    }
  },
};
