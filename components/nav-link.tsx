"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const active = usePathname().startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`flex min-h-11 items-center rounded px-3 py-1.5 text-sm whitespace-nowrap md:min-h-0 ${active ? "bg-brand-800 font-medium" : "text-brand-50 hover:bg-brand-800/70"}`}
    >
      {children}
    </Link>
  );
}
