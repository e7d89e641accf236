// How an online application travels: the form's values as JSON in the field "data", each file in
// "file" with its kind in "kind" at the same position. Used by the form (browser) and the route.

export function applicationFormData(values: unknown, uploads: Array<{ kind: string; file: File }>): FormData {
  const form = new FormData();
  form.set("data", JSON.stringify(values));
  for (const upload of uploads) {
    form.append("kind", upload.kind);
    form.append("file", upload.file);
  }
  return form;
}

/** The route's side: throws on a body that is not what the form sends (answered as malformed). */
export function applicationFormInput(form: FormData): unknown {
  const data = form.get("data");
  if (typeof data !== "string") throw new Error("no data field");
  const kinds = form.getAll("kind");
  const files = form.getAll("file");
  if (kinds.length !== files.length) throw new Error("kinds and files differ in number");
  return { data: JSON.parse(data) as unknown, uploads: files.map((file, i) => ({ kind: kinds[i], file })) };
}
