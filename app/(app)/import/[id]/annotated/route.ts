import { authedRoute, textResponse } from "@/lib/actions/route";
import { isUuid } from "@/lib/data/ids";
import { annotatedImportWorkbook } from "@/lib/import/annotate-import";
import { xlsxFileResponse } from "@/lib/xlsx/write-xlsx";

// The uploaded workbook with each problem beside its cell. An import out of scope, or one that has
// nothing to annotate, is answered as not found.
export const GET = authedRoute<{ id: string }>(
  [],
  async (actor, _request, { id }) => {
    if (!isUuid(id)) return textResponse(404, "导入记录不存在。");
    const { fileName, bytes } = await annotatedImportWorkbook(actor, id);
    return xlsxFileResponse(fileName, bytes);
  },
  { refused: 404 },
);
