import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import type { TActionResult } from "@/lib/actions/result";

/** Puts an action's field errors next to their fields; returns the form-level message, if any. */
export function applyServerErrors<T extends FieldValues>(result: TActionResult<unknown>, setError: UseFormSetError<T>): string | null {
  if (result.ok) return null;
  // Focus goes to the first field the server refused, as it does after a failed check in the browser.
  Object.entries(result.fieldErrors ?? {})
    .filter(([field]) => field !== "_form")
    .forEach(([field, message], index) => setError(field as Path<T>, { type: "server", message }, { shouldFocus: index === 0 }));
  return result.error;
}
