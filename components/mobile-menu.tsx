"use client";

import { usePathname } from "next/navigation";
import { useId, useState, type ReactNode } from "react";

/**
 * The header's menu on a phone: one button opens the sections, the user and 退出登录 as a panel
 * under the header. On wider screens the layout shows them inline and this stays hidden.
 */
export function MobileMenu({ children }: { children: ReactNode }) {
  // The menu is open on the page it was opened on: following a link (a new pathname) closes it.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const pathname = usePathname();
  const open = openOn === pathname;
  const panelId = useId();
  return (
    <div className="md:hidden">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpenOn(open ? null : pathname)}
        className="flex min-h-11 items-center gap-2 rounded px-3 text-sm font-medium hover:bg-brand-800"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="currentColor">
          {open ? (
            <path d="M5.3 4 10 8.6 14.7 4 16 5.3 11.4 10l4.6 4.7-1.3 1.3-4.7-4.6L5.3 16 4 14.7 8.6 10 4 5.3Z" />
          ) : (
            <path d="M3 5h14v2H3zm0 4h14v2H3zm0 4h14v2H3z" />
          )}
        </svg>
        {open ? "关闭" : "菜单"}
      </button>
      {open && (
        <div id={panelId} className="absolute inset-x-0 top-full z-30 border-t border-brand-800 bg-brand-700 px-4 pb-4 shadow-lg">
          {children}
        </div>
      )}
    </div>
  );
}
