"use client";

import Link from "next/link";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { MobileMenu } from "@/components/mobile-menu";
import { NavLinks } from "@/components/nav-link";

/** A section link as the layout sends it: [href, label, personal (1: beside the user's name on wide screens)]. */
export type THeaderLink = readonly [href: string, label: string, personal?: 1];

/**
 * The signed-in header's contents: the sections inline on wide screens, one menu button on phones.
 * A client component given the links and the user once, so that the RSC payload of every page
 * carries them as data once rather than as two element trees (wide screens and the phone menu,
 * issue 28); it is rendered on the server like the rest.
 */
export function AppHeader({ links, user }: { links: ReadonlyArray<THeaderLink>; user: readonly [name: string, organisation: string, roles: string] }) {
  const [name, organisation, roles] = user;
  const items = (personal: boolean) => links.filter((l) => !!l[2] === personal).map(([href, label]) => ({ href, label }));
  const who = <span className="block text-xs text-brand-100">{`${organisation} · ${roles}`}</span>;
  return (
    <div className="mx-auto flex max-w-7xl items-center gap-6 px-4 py-2 md:px-6 md:py-3">
      <Link href="/" className="shrink-0 text-lg font-bold tracking-wide whitespace-nowrap">
        帮扶
      </Link>
      {/* Wide screens: the sections inline. */}
      <nav aria-label="主导航" className="hidden flex-wrap gap-1 md:flex">
        <NavLinks items={items(false)} />
      </nav>
      <div className="ml-auto hidden items-center gap-3 text-sm md:flex">
        <nav aria-label="我的">
          <NavLinks items={items(true)} />
        </nav>
        {/* Name over organisation and role, each kept on one line: side by side they pushed the
            sections onto a second row at 1280 px and broke 帮扶干部 in two. */}
        <span data-testid="current-user" className="leading-tight whitespace-nowrap">
          {name}
          {who}
        </span>
        <SignOutButton />
      </div>
      {/* Phones: one menu button. */}
      <div className="ml-auto md:hidden">
        <MobileMenu>
          <nav aria-label="主导航" className="grid grid-cols-2 gap-1 pt-3">
            <NavLinks items={links.map(([href, label]) => ({ href, label }))} />
          </nav>
          <div className="mt-3 flex items-center justify-between gap-3 border-t border-brand-800 pt-3 text-sm">
            <span>
              {name}
              {who}
            </span>
            <SignOutButton />
          </div>
        </MobileMenu>
      </div>
    </div>
  );
}
