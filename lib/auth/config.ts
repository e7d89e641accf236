// Security settings. They are deployment settings, not union policy, so they come from the
// environment (with defaults) rather than from the policy tables.
function minutes(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export const authConfig = {
  /** A session unused this long ends. */
  idleMinutes: minutes("SESSION_IDLE_MINUTES", 30),
  /** A session ends this long after sign-in, however active. */
  absoluteMinutes: minutes("SESSION_MAX_MINUTES", 12 * 60),
  /** Failed sign-ins to one account, counted since its last success or lock, before it locks. */
  maxAccountFailures: minutes("SIGNIN_MAX_ACCOUNT_FAILURES", 5),
  /** How long a locked account stays locked. */
  lockMinutes: minutes("SIGNIN_LOCK_MINUTES", 15),
  /** Failed sign-ins from one address within the window before that address is refused. */
  maxIpFailures: minutes("SIGNIN_MAX_IP_FAILURES", 20),
  ipWindowMinutes: minutes("SIGNIN_IP_WINDOW_MINUTES", 15),
};
