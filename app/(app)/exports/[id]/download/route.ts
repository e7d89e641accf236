import { authedRoute } from "@/lib/actions/route";
import { openExportDownload } from "@/lib/exports/open-export-download";

// The file of a finished background export, for its requester only (anyone else: 404); one not
// ready or expired is a conflict (409).
export const GET = authedRoute<{ id: string }>([], (actor, _request, { id }) => openExportDownload(actor, id), { refused: 409 });
