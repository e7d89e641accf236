import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import type { TActionResult } from "@/lib/actions/result";

/** Puts an action's field errors next to their fields; returns the form-level message, if any. */
export function applyServerErrors<T extends FieldValues>(result: TActionResult<unknown>, setError: UseFormSetError<T>): string | null {
  if (result.ok) return null;
  for (const [field, message] of Object.entries(result.fieldErrors ?? {})) {
    if (field !== "_form") setError(field as Path<T>, { type: "server", message });
  }
  return result.error;
}
