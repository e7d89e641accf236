"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const active = usePathname().startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`nav-link ${active ? "bg-brand-800 font-medium" : "text-brand-50 hover:bg-brand-800/70"}`}
    >
      {children}
    </Link>
  );
}

/** Several section links from data: the RSC payload then carries {href, label} per link, not an element each (issue 28). */
export function NavLinks({ items }: { items: ReadonlyArray<{ href: string; label: string }> }) {
  return items.map((item) => (
    <NavLink key={item.href} href={item.href}>
      {item.label}
    </NavLink>
  ));
}
