// Whether a file in publicity takes objections on a given day (Asia/Shanghai calendar dates, as
// stored): from the first day of publicity to the last, both included. The same rule holds in the
// database (trigger publicity_objection_public_in_time, migration 0040).

export type TPublicityWindow = "OPEN" | "NOT_STARTED" | "ENDED";

export function publicityWindow(file: { publicityStart: string; publicityEnd: string }, today: string): TPublicityWindow {
  if (today < file.publicityStart) return "NOT_STARTED";
  if (today > file.publicityEnd) return "ENDED";
  return "OPEN";
}
