import type { ButtonHTMLAttributes } from "react";

const VARIANTS = {
  primary: "bg-brand-700 text-white hover:bg-brand-800 disabled:bg-brand-700/50",
  secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400",
  danger: "bg-red-600 text-white hover:bg-red-700 disabled:bg-red-600/50",
  ghost: "text-slate-700 hover:bg-slate-100",
} as const;

export type TButtonVariant = keyof typeof VARIANTS;

export function buttonClass(variant: TButtonVariant = "primary", extra = "") {
  return `inline-flex min-h-11 items-center justify-center gap-1 whitespace-nowrap rounded-md px-3.5 py-2 text-sm sm:min-h-0 font-medium transition-colors disabled:cursor-not-allowed ${VARIANTS[variant]} ${extra}`;
}

export function Button({ variant = "primary", className = "", ...props }: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: TButtonVariant }) {
  return <button type="button" className={buttonClass(variant, className)} {...props} />;
}
