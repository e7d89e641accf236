"use client";

import type { SelectHTMLAttributes } from "react";
import { inputClass } from "./field";

/**
 * A <select> of fixed choices given as data ({value: label} or [value, label] pairs, in order),
 * with an optional first "all" option of value "". A client component only so that a page's RSC
 * payload carries the choices once as data rather than an element per option (an organisation
 * list is dozens of them): it renders on the server like any other (issue 28).
 */
export function ChoiceSelect({
  choices,
  all,
  className,
  ...props
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "children"> & { choices: Record<string, string> | ReadonlyArray<readonly [string, string]>; all?: string }) {
  const entries: ReadonlyArray<readonly [string, string]> = Array.isArray(choices) ? choices : Object.entries(choices);
  return (
    <select {...props} className={className ? `${inputClass} ${className}` : inputClass}>
      {all !== undefined && <option value="">{all}</option>}
      {entries.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );
}
