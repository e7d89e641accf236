"use client";

import { ConfirmAction } from "@/components/ui/confirm-action";
import { commitHouseholdImportAction, revalidateHouseholdImportAction } from "@/lib/import/actions";

export function ImportActions({ importId, households, mode }: { importId: string; households: number; mode: "commit" | "revalidate" }) {
  if (mode === "revalidate") {
    return (
      <ConfirmAction
        label="重新校验"
        title="重新校验这个工作簿？"
        message="将重新校验全部行，通过后可再次确认导入。"
        run={() => revalidateHouseholdImportAction({ importId })}
      />
    );
  }
  return (
    <ConfirmAction
      label={`确认导入 ${households.toLocaleString("zh-CN")} 户`}
      title="确认导入？"
      message={`将一次性建立 ${households.toLocaleString("zh-CN")} 户档案草稿：全部成功或全部不写入。导入后不能撤销，只能逐户删除草稿。`}
      confirmLabel="确认导入"
      variant="primary"
      run={() => commitHouseholdImportAction({ importId })}
    />
  );
}
