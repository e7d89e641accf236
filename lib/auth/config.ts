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
  /**
   * Failed sign-ins to one name, counted since its last success, before each further attempt must
   * wait (lib/auth/sign-in-delay.ts): 1 s after this many, doubling with every further failure.
   */
  maxAccountFailures: minutes("SIGNIN_MAX_ACCOUNT_FAILURES", 5),
  /** The longest a name's attempt must wait after its last failure: short, so a stranger's guesses cannot keep its user out. */
  maxDelaySeconds: minutes("SIGNIN_MAX_DELAY_SECONDS", 60),
  /** Failed sign-ins from one address within the window before its attempts must wait (doubling, at most the window). */
  maxIpFailures: minutes("SIGNIN_MAX_IP_FAILURES", 20),
  ipWindowMinutes: minutes("SIGNIN_IP_WINDOW_MINUTES", 15),
};
