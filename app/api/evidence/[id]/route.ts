import { readEvidence } from "@/lib/evidence/evidence";
import { storedFileRoute } from "@/lib/uploads/stored-file-route";

// Downloads one piece of evidence. Scope, role and the audit row are readEvidence's.
export const GET = storedFileRoute(readEvidence, "evidence");
