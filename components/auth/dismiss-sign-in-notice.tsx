"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { buttonClass } from "@/components/ui/button";
import { dismissSignInNoticeAction } from "@/lib/auth/actions";

export function DismissSignInNotice() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="flex items-center gap-2">
      <button
        type="button"
        disabled={pending}
        className={buttonClass("secondary")}
        onClick={() =>
          startTransition(async () => {
            const result = await dismissSignInNoticeAction({});
            if (!result.ok) return setError(result.error);
            router.refresh();
          })
        }
      >
        {pending ? "正在处理……" : "知道了"}
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
