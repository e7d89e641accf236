"use client";

import { ConfirmAction } from "@/components/ui/confirm-action";
import { retryRosterComparisonAction } from "@/lib/civil/actions";

/** 重新比对 a run that failed or stalled: the same stored roster, compared again in the background. */
export function RetryComparison({ runId }: { runId: string }) {
  return (
    <ConfirmAction
      label="重新比对"
      title="重新比对这份名单？"
      message="将用已上传的名单重新读取、校验并比对，按今天的政策标准计算；完成前不会写入任何比对结果。"
      confirmLabel="确认重新比对"
      variant="primary"
      run={() => retryRosterComparisonAction({ runId })}
    />
  );
}
