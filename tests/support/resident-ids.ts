// Valid ID numbers for tests; pure, so the end-to-end tests can use it too.
import { residentIdCheckCharacter } from "@/lib/people/resident-id";

let sequence = Math.floor(Math.random() * 500);

/** A valid 18-character ID number, unique within a test run. */
export function residentId(options: { region?: string; birthDate?: string; sex?: "MALE" | "FEMALE" } = {}): string {
  sequence = (sequence + 1) % 500;
  const birth = (options.birthDate ?? "1980-05-17").replaceAll("-", "");
  const seqDigits = String(sequence * 2 + (options.sex === "FEMALE" ? 0 : 1)).padStart(3, "0");
  const body = `${options.region ?? "620102"}${birth}${seqDigits}`;
  return body + residentIdCheckCharacter(body);
}
