/** A calendar date typed in China ("2026-11-23") as the UTC instant its day starts in Asia/Shanghai. */
export function parseShanghaiDate(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00+08:00`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
