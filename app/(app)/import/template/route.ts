import { authedRoute } from "@/lib/actions/route";
import { buildImportTemplate } from "@/lib/import/import-template";
import { xlsxFileResponse } from "@/lib/xlsx/write-xlsx";

export const GET = authedRoute([], async () => xlsxFileResponse("困难职工档案导入模板.xlsx", await buildImportTemplate()));
