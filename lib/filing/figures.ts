// The household's figures as the tier rules use them, from a filing's data (browser and server).
import { parseYuanToFen } from "@/lib/money/money";
import type { TFilingData } from "./schemas";

export type THouseholdFigures = {
  annualIncomeFen: number;
  annualRigidExpenditureFen: number;
  householdSize: number;
  accidentLossFen: number;
};

export function householdFigures(data: Pick<TFilingData, "members" | "incomes" | "expenditures" | "suddenEvent" | "suddenEventLossFen">): THouseholdFigures {
  const monthly = data.incomes.reduce((sum, i) => sum + (i.monthlyFen ?? 0), 0);
  return {
    annualIncomeFen: monthly * 12,
    annualRigidExpenditureFen: data.expenditures.reduce((sum, e) => sum + (e.annualFen ?? 0), 0),
    // Per-capita income divides by the people who live in the household, not everyone listed.
    householdSize: Math.max(1, data.members.filter((m) => m.livesInHousehold).length),
    accidentLossFen: data.suddenEvent ? (data.suddenEventLossFen ?? 0) : 0,
  };
}

/** The amounts a form holds as typed (yuan strings); a blank or mistyped amount counts as not given. */
type TTypedFigures = {
  members?: Array<{ livesInHousehold?: boolean } | undefined>;
  incomes?: Array<{ monthlyFen?: unknown } | undefined>;
  expenditures?: Array<{ annualFen?: unknown } | undefined>;
  suddenEvent?: boolean;
  suddenEventLossFen?: unknown;
};

function typedFen(value: unknown): number | undefined {
  const parsed = parseYuanToFen(String(value ?? ""));
  return parsed.ok ? parsed.fen : undefined;
}

/**
 * householdFigures for a form being filled in, or null while no income amount has been typed:
 * a suggestion from an empty form ("系统建议：深度困难" with ¥0 income) would mislead.
 */
export function typedHouseholdFigures(values: TTypedFigures): THouseholdFigures | null {
  const incomes = (values.incomes ?? []).map((i) => ({ monthlyFen: typedFen(i?.monthlyFen) }));
  if (!incomes.some((i) => i.monthlyFen !== undefined)) return null;
  return householdFigures({
    members: (values.members ?? []).map((m) => ({ livesInHousehold: !!m?.livesInHousehold })) as TFilingData["members"],
    incomes: incomes as TFilingData["incomes"],
    expenditures: (values.expenditures ?? []).map((x) => ({ annualFen: typedFen(x?.annualFen) })) as TFilingData["expenditures"],
    suddenEvent: !!values.suddenEvent,
    suddenEventLossFen: typedFen(values.suddenEventLossFen),
  });
}
