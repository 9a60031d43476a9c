// The local sshd lives in scripts/ so the bench can start it too (like the embedded PostgreSQL).
export { SSHD, sshdInstalled, startSshd, type Sshd } from '../../scripts/local-sshd.mjs';
