import type { ButtonHTMLAttributes } from "react";

// The classes live in app/globals.css (btn, btn-<variant>): a page of twenty rows carried the
// fifteen utilities of each button twice, in its HTML and in its RSC payload (issue 28).
// Written out whole: Tailwind emits a utility only for a class name it finds in the sources.
const VARIANTS = { primary: "btn-primary", secondary: "btn-secondary", danger: "btn-danger", ghost: "btn-ghost" } as const;

export type TButtonVariant = keyof typeof VARIANTS;

export function buttonClass(variant: TButtonVariant = "primary", extra = "") {
  return extra ? `btn ${VARIANTS[variant]} ${extra}` : `btn ${VARIANTS[variant]}`;
}

export function Button({ variant = "primary", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: TButtonVariant }) {
  return <button type="button" className={buttonClass(variant, className)} {...props} />;
}
