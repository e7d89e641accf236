import { useId } from "react";
import { buttonClass, type TButtonVariant } from "@/components/ui/button";

/** A step the user will be able to take but not yet: shown greyed, with the rule's reason beside it. */
export function DisabledStep({ label, reason, variant = "secondary" }: { label: string; reason: string; variant?: TButtonVariant }) {
  const id = useId();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button type="button" disabled aria-describedby={id} className={buttonClass(variant)}>
        {label}
      </button>
      <span id={id} className="text-sm text-slate-700">
        {reason}
      </span>
    </span>
  );
}
