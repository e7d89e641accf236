import { readApplicationUpload } from "@/lib/applications/read-application-upload";
import { storedFileRoute } from "@/lib/uploads/stored-file-route";

// One photo or PDF of an online application. Scope, role and the audit row are readApplicationUpload's.
export const GET = storedFileRoute(readApplicationUpload, "application upload");
