/** <option>s for the organisations in a user's scope, in tree order, indented by depth below the top one. */
export function OrganisationOptions({ organisations }: { organisations: Array<{ id: string; name: string; depth: number }> }) {
  const top = Math.min(...organisations.map((o) => o.depth));
  return (
    <>
      {organisations.map((o) => (
        <option key={o.id} value={o.id}>
          {"　".repeat(o.depth - top)}
          {o.name}
        </option>
      ))}
    </>
  );
}

/** The same list as [id, indented name] pairs, for a ChoiceSelect (components/ui/choice-select.tsx). */
export function organisationChoices(organisations: Array<{ id: string; name: string; depth: number }>): Array<[string, string]> {
  const top = Math.min(...organisations.map((o) => o.depth));
  return organisations.map((o) => [o.id, `${"　".repeat(o.depth - top)}${o.name}`]);
}
