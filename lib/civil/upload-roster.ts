import "server-only";
import type { TActor } from "@/lib/auth/actor";
import { compareRoster } from "./compare-roster";
import type { TUploadRosterInput } from "./schemas";

/** The upload form's file, read into bytes for the comparison. */
export async function compareUploadedRoster(actor: TActor, input: TUploadRosterInput) {
  return compareRoster(actor, { fileName: input.file.name, bytes: Buffer.from(await input.file.arrayBuffer()) });
}
