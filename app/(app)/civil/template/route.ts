import { authedRoute } from "@/lib/actions/route";
import { buildRosterTemplate } from "@/lib/civil/roster-template";
import { xlsxFileResponse } from "@/lib/xlsx/write-xlsx";

export const GET = authedRoute([], async () => xlsxFileResponse("民政比对名单模板.xlsx", await buildRosterTemplate()));
