import "server-only";
import { createHmac } from "node:crypto";

// An ID number has little entropy (region, birth date, sequence, check): a plain hash of it is
// reversed by enumeration. Keyed with the server's secret, the key counts attempts without
// public_attempt ever holding a number anyone could read back.
const DEVELOPMENT_SECRET = "bangfu-development-only-public-attempt-key";

export function publicSubjectKey(kind: string, residentId: string): string {
  const secret = process.env.NEXTAUTH_SECRET ?? (process.env.NODE_ENV === "production" ? undefined : DEVELOPMENT_SECRET);
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set (scripts/start.ts sets it from the data directory's secrets)");
  return createHmac("sha256", secret).update(`${kind}:${residentId}`).digest("base64url");
}
