/**
 * After a failed submit, moves focus to the first field in error in document order (the user's
 * reading order), whether the error came from the browser-side schema or from the server. Runs
 * after React has rendered the new aria-invalid attributes.
 */
export function focusFirstError(form: HTMLFormElement | null) {
  requestAnimationFrame(() => {
    const field = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (!field) return;
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
}
